//! Welch's averaged periodograms: the segment plan ([`Segments`]), the cached real-FFT plans,
//! and the spectral matrix of many channels at once, with segments summed in a fixed order.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use ndarray::{Array3, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;
use realfft::num_complex::Complex64;
use realfft::{RealFftPlanner, RealToComplex};
use serde::{Deserialize, Serialize};

use super::hyperparams::{Detrend, Welch, Window};
use super::matrix::SpectralMatrix;
use crate::budget::{bytes_of, check_memory};
use crate::error::{EstimatorError, Result};
use crate::validate::{check_matrix, check_same_rows};

/// The segment length chosen when `nperseg` is not set and the series is long enough
/// (scipy's default).
pub const DEFAULT_NPERSEG: usize = 256;

/// The least number of segments the default `nperseg` leaves.
pub const DEFAULT_MIN_SEGMENTS: usize = 8;

/// The most partial sums over segments (one per chunk of consecutive segments).
const MAX_CHUNKS: usize = 32;

/// The memory the partial sums may take together (bytes) before fewer chunks are used.
const PARTIAL_BYTES: usize = 256 << 20;

/// How a series of `n_samples` samples is cut into Welch segments: segment `s` covers samples
/// `s·step .. s·step + nperseg`, with `step = nperseg − noverlap`; samples after the last whole
/// segment are not used (as in `scipy.signal.welch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segments {
    /// Length of the series.
    pub n_samples: usize,
    /// Samples per segment.
    pub nperseg: usize,
    /// Samples shared by consecutive segments, $\lfloor \text{overlap} \cdot \text{nperseg}\rfloor$.
    pub noverlap: usize,
    /// Number of segments, $\lfloor (n - \text{nperseg}) / \text{step} \rfloor + 1$.
    pub n_segments: usize,
}

impl Segments {
    /// The plan for `n_samples` with `nperseg` and `overlap` (`None` when one segment does not
    /// fit).
    fn new(n_samples: usize, nperseg: usize, overlap: f64) -> Option<Self> {
        if nperseg > n_samples || nperseg == 0 {
            return None;
        }
        let noverlap = noverlap(nperseg, overlap);
        let step = nperseg - noverlap;
        Some(Self {
            n_samples,
            nperseg,
            noverlap,
            n_segments: (n_samples - nperseg) / step + 1,
        })
    }

    /// Samples between the starts of consecutive segments.
    #[must_use]
    pub fn step(&self) -> usize {
        self.nperseg - self.noverlap
    }

    /// Number of one-sided frequencies, $\lfloor \text{nperseg}/2 \rfloor + 1$.
    #[must_use]
    pub fn n_frequencies(&self) -> usize {
        self.nperseg / 2 + 1
    }

    /// The effective number of independent segments of a Welch average with `window`
    /// (Percival & Walden 1993, *Spectral Analysis for Physical Applications*, eq. 292b):
    /// $K_{\text{eff}} = K / \big(1 + 2\sum_{m=1}^{K-1}(1 - m/K)\,\rho^2(m)\big)$ with
    /// $\rho(m) = \sum_n w_n w_{n + m\,\text{step}} / \sum_n w_n^2$. Equals $K$ without overlap.
    #[must_use]
    pub fn effective_segments(&self, window: &[f64]) -> f64 {
        let k = self.n_segments;
        let energy: f64 = window.iter().map(|w| w * w).sum();
        let mut denom = 1.0;
        for m in 1..k {
            let lag = m * self.step();
            if lag >= self.nperseg {
                break;
            }
            let rho: f64 = window[..self.nperseg - lag]
                .iter()
                .zip(&window[lag..])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / energy;
            denom += 2.0 * (1.0 - m as f64 / k as f64) * rho * rho;
        }
        k as f64 / denom
    }
}

/// $\lfloor \text{overlap} \cdot \text{nperseg} \rfloor$, at most `nperseg − 1`.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn noverlap(nperseg: usize, overlap: f64) -> usize {
    ((overlap * nperseg as f64).floor() as usize).min(nperseg - 1)
}

impl Welch {
    /// The segment plan for a series of `n_samples` samples that needs at least
    /// `min_segments` segments (at least 2: a single segment has coherence 1 everywhere).
    ///
    /// Without `nperseg`, the length is [`DEFAULT_NPERSEG`] when that leaves at least
    /// `max(min_segments, 8)` segments, otherwise the longest length that does.
    ///
    /// # Errors
    /// With `nperseg` set: [`EstimatorError::InvalidParameter`] named `nperseg` when it exceeds
    /// `n_samples` or leaves fewer than `min_segments` segments. Without:
    /// [`EstimatorError::TooFewSamples`] naming `x` when no length leaves enough segments.
    pub fn segments(&self, n_samples: usize, min_segments: usize) -> Result<Segments> {
        self.plan(n_samples, min_segments, "x")
    }

    /// [`Welch::segments`], naming `argument` when the series is too short.
    fn plan(
        &self,
        n_samples: usize,
        min_segments: usize,
        argument: &'static str,
    ) -> Result<Segments> {
        let min_segments = min_segments.max(2);
        let overlap = self.params.overlap;
        if let Some(nperseg) = self.params.nperseg {
            let Some(plan) = Segments::new(n_samples, nperseg, overlap) else {
                return Err(EstimatorError::InvalidParameter {
                    name: "nperseg",
                    reason: format!(
                        "{nperseg} is longer than the series ({n_samples} samples); choose \
                         nperseg ≤ {n_samples}"
                    ),
                });
            };
            if plan.n_segments < min_segments {
                return Err(EstimatorError::InvalidParameter {
                    name: "nperseg",
                    reason: format!(
                        "{nperseg} with overlap {overlap} leaves {} segment(s) of the \
                         {n_samples} samples; at least {min_segments} are needed (one segment \
                         has coherence 1 at every frequency, and a spectral matrix of d \
                         channels needs d segments): use a shorter nperseg or a longer series",
                        plan.n_segments
                    ),
                });
            }
            return Ok(plan);
        }
        let wanted = min_segments.max(DEFAULT_MIN_SEGMENTS);
        (2..=DEFAULT_NPERSEG.min(n_samples))
            .rev()
            .filter_map(|len| Segments::new(n_samples, len, overlap))
            .find(|plan| plan.n_segments >= wanted)
            .ok_or_else(|| {
                let step = 2 - noverlap(2, overlap);
                EstimatorError::TooFewSamples {
                    argument,
                    needed: 2 + (wanted - 1) * step,
                    got: n_samples,
                }
            })
    }

    /// The auto- and cross-spectral densities of the columns of `z` (samples × channels):
    /// one Hermitian matrix per frequency.
    ///
    /// # Errors
    /// As [`Welch::cross_spectra`], for `z` alone.
    pub fn spectra(&self, z: ArrayView2<'_, f64>) -> Result<SpectralMatrix> {
        check_matrix("z", z, 2)?;
        let plan = self.plan(z.nrows(), 2, "z")?;
        let channels: Vec<ArrayView1<'_, f64>> = z.columns().into_iter().collect();
        self.spectral_matrix(&channels, plan, "z")
    }

    /// The spectral matrix of the channels of `x` (samples × dx) followed by those of `y`
    /// (samples × dy): entry `(i, j)` at frequency $f_k$ is $S_{ij}(f_k)$, with $S_{ij} =
    /// \langle \overline{X_i} X_j \rangle$ (scipy's `csd(x_i, x_j)`).
    ///
    /// # Errors
    /// [`EstimatorError::Empty`], [`EstimatorError::NonFinite`] naming `x` or `y`;
    /// [`EstimatorError::ShapeMismatch`] when their lengths differ; those of
    /// [`Welch::segments`]; [`EstimatorError::TooLarge`] naming `x` when the spectral matrices
    /// exceed the memory budget.
    pub fn cross_spectra(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<SpectralMatrix> {
        check_pair(x, y)?;
        let plan = self.segments(x.nrows(), 2)?;
        let channels = columns_of(x, y);
        self.spectral_matrix(&channels, plan, "x")
    }

    /// Refuse, in the name of `argument`, spectral matrices of `d` channels with `plan` that
    /// (with their partial sums and every thread's buffers) exceed the memory budget; returns
    /// the number of chunks of segments.
    pub(crate) fn check_spectral_memory(
        &self,
        d: usize,
        plan: Segments,
        argument: &'static str,
    ) -> Result<usize> {
        let nf = plan.n_frequencies() as u128;
        let d = d as u128;
        let pair_bytes = bytes_of(d * (d + 1) / 2 * nf, size_of::<Complex64>());
        let chunk_limit = usize::try_from(PARTIAL_BYTES as u128 / pair_bytes.max(1))
            .unwrap_or(usize::MAX)
            .max(1);
        let n_chunks = plan.n_segments.min(MAX_CHUNKS).min(chunk_limit);
        let full = bytes_of(d * d * nf, size_of::<Complex64>());
        let per_thread = bytes_of((d + 1) * nf + plan.nperseg as u128, size_of::<Complex64>());
        let threads = rayon::current_num_threads() as u128;
        check_memory(
            argument,
            &format!(
                "the {d} × {d} spectral matrices at {nf} frequencies (and their partial sums)"
            ),
            full.saturating_add(pair_bytes.saturating_mul(n_chunks as u128 + 1))
                .saturating_add(per_thread.saturating_mul(threads)),
            "use fewer channels or a shorter nperseg",
        )?;
        Ok(n_chunks)
    }

    /// The spectral matrix of `channels` (all of length `plan.n_samples`), checked against the
    /// memory budget in the name of `argument`.
    pub(crate) fn spectral_matrix(
        &self,
        channels: &[ArrayView1<'_, f64>],
        plan: Segments,
        argument: &'static str,
    ) -> Result<SpectralMatrix> {
        let d = channels.len();
        let nf = plan.n_frequencies();
        let pairs = d * (d + 1) / 2;
        let n_chunks = self.check_spectral_memory(d, plan, argument)?;
        let window = self.params.window.values(plan.nperseg);
        let fft = forward_plan(plan.nperseg);
        let job = Job {
            channels,
            plan,
            window: &window,
            detrend: self.params.detrend,
            fft: fft.as_ref(),
        };
        let k = plan.n_segments;
        let partials = (0..n_chunks)
            .into_par_iter()
            .map(|c| job.sum_segments(c * k / n_chunks..(c + 1) * k / n_chunks))
            .collect::<Result<Vec<Vec<Complex64>>>>()?;
        // Chunks are summed in their order, so the result does not depend on the threads.
        let mut total = vec![Complex64::new(0.0, 0.0); pairs * nf];
        for part in &partials {
            for (t, p) in total.iter_mut().zip(part) {
                *t += *p;
            }
        }
        drop(partials);
        let energy: f64 = window.iter().map(|w| w * w).sum();
        let scale = self.params.dt / (energy * k as f64);
        // A boxcar window after constant detrending leaves every segment's f = 0 coefficient
        // exactly zero (only rounding remains there).
        let dc_is_zero =
            self.params.window == Window::Boxcar && self.params.detrend == Detrend::Constant;
        Ok(SpectralMatrix::from_pairs(
            &total,
            d,
            plan,
            self.params.dt,
            dc_is_zero,
            |kf| one_sided(kf, plan.nperseg) * scale,
        ))
    }
}

/// Check `x` and `y`: non-empty, finite, at least 2 samples, equally long.
pub(crate) fn check_pair(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<()> {
    check_matrix("x", x, 2)?;
    check_matrix("y", y, 2)?;
    check_same_rows("x", x.nrows(), "y", y.nrows())
}

/// The columns of `x` then those of `y`.
pub(crate) fn columns_of<'a>(
    x: ArrayView2<'a, f64>,
    y: ArrayView2<'a, f64>,
) -> Vec<ArrayView1<'a, f64>> {
    let cols = |a: ArrayView2<'a, f64>| (0..a.ncols()).map(move |j| a.index_axis_move(Axis(1), j));
    cols(x).chain(cols(y)).collect()
}

/// The factor 2 of a one-sided density at every frequency but 0 and (for even `nperseg`) the
/// Nyquist frequency, whose negative-frequency twins are themselves.
fn one_sided(k: usize, nperseg: usize) -> f64 {
    if k == 0 || (nperseg.is_multiple_of(2) && k == nperseg / 2) {
        1.0
    } else {
        2.0
    }
}

/// One real-to-complex FFT plan per length, cached for the life of the process.
fn forward_plan(len: usize) -> Arc<dyn RealToComplex<f64>> {
    static PLANNER: OnceLock<Mutex<RealFftPlanner<f64>>> = OnceLock::new();
    let planner = PLANNER.get_or_init(|| Mutex::new(RealFftPlanner::new()));
    let mut guard = planner.lock().unwrap_or_else(PoisonError::into_inner);
    guard.plan_fft_forward(len)
}

/// What every chunk of segments shares.
struct Job<'a, 'b> {
    channels: &'a [ArrayView1<'b, f64>],
    plan: Segments,
    window: &'a [f64],
    detrend: Detrend,
    fft: &'a dyn RealToComplex<f64>,
}

impl Job<'_, '_> {
    /// The sums over segments `range` of $\overline{X_i} X_j$ for every pair `i ≤ j`
    /// (row-major over pairs, then frequencies), in segment order.
    fn sum_segments(&self, range: std::ops::Range<usize>) -> Result<Vec<Complex64>> {
        let d = self.channels.len();
        let nf = self.plan.n_frequencies();
        let len = self.plan.nperseg;
        let mut acc = vec![Complex64::new(0.0, 0.0); d * (d + 1) / 2 * nf];
        let mut input = self.fft.make_input_vec();
        let mut spectra = vec![Complex64::new(0.0, 0.0); d * nf];
        let mut scratch = self.fft.make_scratch_vec();
        for seg in range {
            let start = seg * self.plan.step();
            for (channel, out) in self.channels.iter().zip(spectra.chunks_exact_mut(nf)) {
                let values = channel.slice(s![start..start + len]);
                self.taper(values, &mut input);
                self.fft
                    .process_with_scratch(&mut input, out, &mut scratch)
                    .map_err(|e| EstimatorError::OutOfRange {
                        argument: "nperseg",
                        detail: format!("real FFT of length {len} failed: {e}"),
                    })?;
            }
            let mut pair = acc.chunks_exact_mut(nf);
            for i in 0..d {
                let a = &spectra[i * nf..(i + 1) * nf];
                for j in i..d {
                    let b = &spectra[j * nf..(j + 1) * nf];
                    if let Some(dst) = pair.next() {
                        for ((t, u), v) in dst.iter_mut().zip(a).zip(b) {
                            *t += u.conj() * v;
                        }
                    }
                }
            }
        }
        Ok(acc)
    }

    /// `values` detrended and multiplied by the window, into `out`.
    fn taper(&self, values: ArrayView1<'_, f64>, out: &mut [f64]) {
        for (o, v) in out.iter_mut().zip(values.iter()) {
            *o = *v;
        }
        if self.detrend == Detrend::Constant {
            let mean = out.iter().sum::<f64>() / out.len() as f64;
            for o in out.iter_mut() {
                *o -= mean;
            }
        }
        for (o, w) in out.iter_mut().zip(self.window) {
            *o *= w;
        }
    }
}

/// The spectral matrix as an `[frequency, i, j]` array from the pair sums of
/// [`Job::sum_segments`], each multiplied by `factor(k)` at frequency `k`.
pub(crate) fn hermitian_from_pairs(
    pairs: &[Complex64],
    d: usize,
    nf: usize,
    factor: impl Fn(usize) -> f64,
) -> Array3<Complex64> {
    let mut out = Array3::from_elem((nf, d, d), Complex64::new(0.0, 0.0));
    let mut p = 0;
    for i in 0..d {
        for j in i..d {
            let row = &pairs[p * nf..(p + 1) * nf];
            for (k, v) in row.iter().enumerate() {
                let v = *v * factor(k);
                out[[k, i, j]] = v;
                out[[k, j, i]] = v.conj();
            }
            p += 1;
        }
    }
    out
}
