//! The spectral information rate (issue #18): the closed forms of SPEC.md §1.4
//! (Ornstein–Uhlenbeck signal in white noise, AR(1) signal in white noise), scipy's value on a
//! deterministic input, invariances, the multivariate form, the bias and the baseline, the
//! cutoff, and thread-count determinism. The Welch spectra themselves and the refusals of bad
//! inputs are in `spectral_welch.rs`.
//!
//! Statistical tolerances are stated next to the sample sizes that justify them; every series
//! is seeded.

use std::f64::consts::LN_2;

use infoscope_estimators::spectral::{Baseline, InformationRate, RateEstimate, Window};
use infoscope_estimators::{EstimatorError, Unit};
use ndarray::{Array1, Array2, Axis, concatenate};
use rand::RngExt;
use rand_distr::StandardNormal;

use crate::common::rng;

/// An exact AR(1) path $s_t = a s_{t-1} + \sqrt{q}\,e_t$ started in its stationary law.
pub(crate) fn ar1(seed: u64, n: usize, a: f64, q: f64) -> Array1<f64> {
    let mut r = rng(seed);
    let mut s = Array1::zeros(n);
    let mut prev: f64 = r.sample::<f64, _>(StandardNormal) * (q / (1.0 - a * a)).sqrt();
    for v in &mut s {
        prev = a * prev + q.sqrt() * r.sample::<f64, _>(StandardNormal);
        *v = prev;
    }
    s
}

/// White noise of variance `var`.
pub(crate) fn white(seed: u64, n: usize, var: f64) -> Array1<f64> {
    let mut r = rng(seed);
    Array1::from_shape_simple_fn(n, || var.sqrt() * r.sample::<f64, _>(StandardNormal))
}

pub(crate) fn col(v: &Array1<f64>) -> Array2<f64> {
    v.clone().insert_axis(Axis(1))
}

pub(crate) fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

pub(crate) fn rate_of(
    params: infoscope_estimators::spectral::InformationRateParams,
) -> InformationRate {
    params.check().unwrap()
}

/// The per-sample rate of an AR(1) signal (coefficient `a`, innovation variance `q`) in white
/// noise of variance `s2`, SPEC.md §1.4: ½ ln(c²/σ²) with c² the larger root of
/// c⁴ − (q + σ²(1 + a²))c² + (σ²a)² = 0.
fn ar1_rate(a: f64, q: f64, s2: f64) -> f64 {
    let b = q + s2 * (1.0 + a * a);
    let c = (s2 * a).powi(2);
    let c2 = (b + (b * b - 4.0 * c).sqrt()) / 2.0;
    0.5 * (c2 / s2).ln()
}

// ---------------------------------------------------------------------------------------------
// (a) SPEC.md §1.4: OU signal in white noise, R = (√(1 + A/N0) − 1)/(2τ) nats per unit time.
// ---------------------------------------------------------------------------------------------

/// Reference values: SPEC.md §1.4 "Checkable facts" (τ = 1): A/N0 = 1, 2, 3, 10 give 0.207107,
/// 0.366025, 0.5, 1.158312 nats per unit time; recomputed here from the closed form.
///
/// Simulation: the OU process with spectrum A/(1 + ω²τ²) (two-sided, per unit angular
/// frequency) has stationary variance A/(2τ); it is sampled exactly every dt = 0.05
/// (AR(1) with a = e^{−dt/τ}), and white noise of density N0 = 1 sampled every dt has variance
/// N0/dt = 20. The sampled pair's exact per-sample rate (the AR(1) formula above, divided by
/// dt) is below the continuous one by 0.02 % (A/N0 = 1) to 0.14 % (A/N0 = 10): power above
/// Nyquist (10 per unit time) is missed.
///
/// Estimator: 2²¹ samples, nperseg = 1024 (Δf = 0.0195 per unit time, 8 bins below the OU
/// corner 1/(2π) = 0.159), K = 4095 segments. Upward bias ≈ Nyquist/(K_eff − 1) ≈ 0.0026 per
/// unit time (1.3 % at A/N0 = 1, 0.2 % at 10). The standard deviation of the relative error,
/// measured over 6 seeds with scipy's coherence on the same settings, is 1.1 % at A/N0 = 1 and
/// 0.35 % at A/N0 = 10. Tolerances: raw within 5 %, bias-subtracted and baseline-corrected
/// within 4 % (3.5 sd).
#[test]
fn ou_signal_in_white_noise_matches_the_closed_form() {
    let (dt, tau, n): (f64, f64, usize) = (0.05, 1.0, 1 << 21);
    let a = (-dt / tau).exp();
    // Unit-variance OU path; scaled below to variance A/(2τ).
    let unit = ar1(11, n, a, 1.0 - a * a);
    let noise = white(12, n, 1.0 / dt);
    let est = rate_of(
        InformationRate::params()
            .dt(dt)
            .nperseg(1024)
            .baseline(Baseline::CircularShift)
            .n_baseline(4)
            .seed(5),
    );
    for (ratio, expected) in [
        (1.0f64, 0.207107),
        (2.0, 0.366025),
        (3.0, 0.5),
        (10.0, 1.158312),
    ] {
        let closed = ((1.0 + ratio).sqrt() - 1.0) / (2.0 * tau);
        assert!((closed - expected).abs() < 1e-6, "SPEC value {expected}");
        let discrete = ar1_rate(a, (ratio / (2.0 * tau)) * (1.0 - a * a), 1.0 / dt) / dt;
        assert!(
            rel(discrete, closed) < 2e-3,
            "sampling bias {discrete} vs {closed}"
        );
        let s = &unit * (ratio / (2.0 * tau)).sqrt();
        let r = &s + &noise;
        let out = est.rate(col(&s).view(), col(&r).view()).unwrap();
        let bias = out.diagnostics.rate_bias.unwrap();
        let corrected = out.corrected.unwrap();
        assert!(
            rel(out.raw, closed) < 0.05,
            "A/N0 = {ratio}: raw {}",
            out.raw
        );
        assert!(
            rel(out.raw - bias, closed) < 0.04,
            "A/N0 = {ratio}: {}",
            out.raw - bias
        );
        assert!(
            rel(corrected, closed) < 0.04,
            "A/N0 = {ratio}: corrected {corrected}"
        );
        assert_eq!(out.value, corrected);
        assert!((out.per_sample - corrected * dt).abs() < 1e-15);
        assert_eq!(out.diagnostics.segments.n_segments, 4095);
    }
}

// ---------------------------------------------------------------------------------------------
// (b) SPEC.md §1.4: AR(1) a = 0.9, q = σ² = 1, R = 0.454915 nats per sample.
// ---------------------------------------------------------------------------------------------

/// Reference: SPEC.md §1.4 (c² = 2.483900, R = 0.454915 nats/sample), recomputed by
/// [`ar1_rate`]. 2²⁰ samples (≥ 10⁶), nperseg = 4096: K = 511 segments (≥ 64). Bias ≈
/// 0.5/(K_eff − 1) ≈ 0.001 (0.2 %); relative standard deviation 0.08 % (6 seeds, scipy).
/// Tolerance 1 %.
#[test]
fn ar1_signal_in_white_noise_matches_spec() {
    let exact = ar1_rate(0.9, 1.0, 1.0);
    assert!((exact - 0.454915).abs() < 1e-6, "{exact}");
    let n = 1 << 20;
    let s = ar1(21, n, 0.9, 1.0);
    let r = &s + &white(22, n, 1.0);
    let out = rate_of(InformationRate::params().nperseg(4096))
        .rate(col(&s).view(), col(&r).view())
        .unwrap();
    assert_eq!(out.diagnostics.segments.n_segments, 511);
    assert!(rel(out.value, exact) < 0.01, "{} vs {exact}", out.value);
    // dt = 1: the rate per unit time is the rate per sample.
    assert_eq!(out.value, out.per_sample);
    let bits = out.in_unit(Unit::Bits);
    assert!((bits.value - out.value / LN_2).abs() < 1e-15);
    assert!((bits.bits_per_time() - out.bits_per_time()).abs() < 1e-15);
    assert!((bits.density[3] - out.density[3] / LN_2).abs() < 1e-15);
}

// ---------------------------------------------------------------------------------------------
// (c) Independent series: the raw rate is the bias; the baseline removes it.
// ---------------------------------------------------------------------------------------------

/// 2¹⁶ samples, nperseg = 256: K = 511, bias ≈ 0.5/(K_eff − 1) ≈ 0.00104 nats/sample. The
/// spread of the raw rate is about 0.5 · (1/K) / √(65 effective bins) ≈ 1.3e-4; tolerances
/// 5e-4 (raw against the stated bias) and the stated bias itself (corrected against 0).
#[test]
fn independent_series_give_the_bias_and_a_corrected_zero() {
    let n = 1 << 16;
    for (kind, seed) in [(Baseline::CircularShift, 1), (Baseline::SegmentShuffle, 2)] {
        let x = ar1(31 + seed, n, 0.5, 1.0);
        let y = ar1(41 + seed, n, -0.3, 1.0);
        let out = rate_of(
            InformationRate::params()
                .nperseg(256)
                .baseline(kind)
                .n_baseline(20)
                .seed(seed),
        )
        .rate(col(&x).view(), col(&y).view())
        .unwrap();
        let bias = out.diagnostics.rate_bias.unwrap();
        assert!((bias - 0.5 / (out.diagnostics.effective_segments - 1.0)).abs() < 1e-12);
        assert!(
            (out.raw - bias).abs() < 5e-4,
            "{kind}: raw {} bias {bias}",
            out.raw
        );
        let corrected = out.corrected.unwrap();
        assert!(corrected.abs() < bias, "{kind}: corrected {corrected}");
        let b = out.baseline.as_ref().unwrap();
        assert_eq!(b.values.len(), 20);
        assert!((b.mean - bias).abs() < 5e-4);
        assert_eq!(
            corrected < 0.0,
            out.warnings.iter().any(|w| w.contains("negative"))
        );
        assert!(out.diagnostics.coherence_bias > 1.0 / 511.0);
    }
}

/// A negative corrected value is reported, not clipped.
#[test]
fn a_negative_corrected_rate_is_kept_with_a_warning() {
    let n = 1 << 12;
    let mut seen = false;
    for seed in 0..20 {
        let x = white(100 + seed, n, 1.0);
        let y = white(200 + seed, n, 1.0);
        let out = rate_of(
            InformationRate::params()
                .nperseg(64)
                .baseline(Baseline::CircularShift)
                .n_baseline(3)
                .seed(seed),
        )
        .rate(col(&x).view(), col(&y).view())
        .unwrap();
        let c = out.corrected.unwrap();
        assert_eq!(out.value, c);
        if c < 0.0 {
            seen = true;
            assert!(
                out.warnings.iter().any(|w| w.contains("not clipped")),
                "{out:?}"
            );
        }
    }
    assert!(seen, "some seed gives a negative corrected rate");
}

// ---------------------------------------------------------------------------------------------
// (d), (e) Invariances.
// ---------------------------------------------------------------------------------------------

fn coupled(seed: u64, n: usize) -> (Array2<f64>, Array2<f64>) {
    let x = ar1(seed, n, 0.8, 1.0);
    let mut y = white(seed + 1, n, 0.5);
    for t in 1..n {
        y[t] += 0.7 * x[t - 1] - 0.2 * x[t];
    }
    (col(&x), col(&y))
}

/// SPEC.md §1.4: scaling r by a constant leaves R unchanged (to rounding: 1e-12 relative).
#[test]
fn scaling_y_leaves_the_rate_unchanged() {
    let (x, y) = coupled(51, 1 << 14);
    let est = rate_of(InformationRate::params().nperseg(128));
    let base = est.rate(x.view(), y.view()).unwrap();
    for c in [3.7, -0.021, 1e4] {
        let scaled = est.rate(x.view(), (&y * c).view()).unwrap();
        assert!(rel(scaled.value, base.value) < 1e-12, "{c}");
    }
}

/// The coherence is symmetric, so the scalar rate is (to rounding).
#[test]
fn swapping_x_and_y_leaves_the_scalar_rate_unchanged() {
    let (x, y) = coupled(61, 1 << 14);
    let est = rate_of(InformationRate::params().nperseg(200).dt(0.25));
    let xy = est.rate(x.view(), y.view()).unwrap();
    let yx = est.rate(y.view(), x.view()).unwrap();
    assert!(rel(xy.value, yx.value) < 1e-12);
    for (a, b) in xy.density.iter().zip(&yx.density) {
        assert!((a - b).abs() <= 1e-12 * a.abs().max(1e-3));
    }
}

// ---------------------------------------------------------------------------------------------
// (h) The multivariate rate.
// ---------------------------------------------------------------------------------------------

/// With one channel each, the log-determinant density equals −ln(1 − γ²) to 1e-10 relative.
#[test]
fn the_multivariate_density_reduces_to_the_scalar_one() {
    let (x, y) = coupled(101, 1 << 13);
    let est = rate_of(InformationRate::params().nperseg(128).dt(0.5));
    let out = est.rate(x.view(), y.view()).unwrap();
    let spectra = est.welch().cross_spectra(x.view(), y.view()).unwrap();
    let logdet = spectra.rate_density(1).unwrap();
    let coh = spectra.coherence(0, 1);
    assert_eq!(out.coherence.as_deref(), Some(coh.as_slice().unwrap()));
    for k in 0..logdet.len() {
        let scalar = -(1.0 - coh[k]).ln();
        assert!(rel(logdet[k], scalar) < 1e-10, "bin {k}");
        assert!(rel(logdet[k], out.density[k]) < 1e-10, "bin {k}");
    }
    assert!(matches!(
        spectra.rate_density(2),
        Err(EstimatorError::InvalidParameter { name: "dx", .. })
    ));
}

/// Two independent pairs (x1, y1) ⟂ (x2, y2): the joint rate is the sum of the two rates. The
/// estimates differ by their biases (4 channels against 2 + 2), which the stated bias accounts
/// for: after subtracting each estimate's `rate_bias`, they agree within 1 % (2¹⁷ samples,
/// K = 1023).
#[test]
fn rates_of_independent_channel_pairs_add() {
    let n = 1 << 17;
    let (x1, y1) = coupled(111, n);
    let (x2, y2) = coupled(121, n);
    let est = rate_of(InformationRate::params().nperseg(256));
    let unbiased = |out: RateEstimate| out.value - out.diagnostics.rate_bias.unwrap();
    let r1 = unbiased(est.rate(x1.view(), y1.view()).unwrap());
    let r2 = unbiased(est.rate(x2.view(), y2.view()).unwrap());
    let x = concatenate![Axis(1), x1, x2];
    let y = concatenate![Axis(1), y1, y2];
    let joint = est.rate(x.view(), y.view()).unwrap();
    assert!(joint.coherence.is_none());
    assert_eq!((joint.diagnostics.dx, joint.diagnostics.dy), (2, 2));
    let joint_bias = joint.diagnostics.rate_bias.unwrap();
    assert!(joint_bias > 1.9 * 0.5 / 1023.0, "{joint_bias}");
    let r12 = joint.value - joint_bias;
    assert!(rel(r12, r1 + r2) < 0.01, "{r12} vs {r1} + {r2}");
}

/// The vector rate depends on X only through its span: an invertible mixing of X's channels
/// leaves it unchanged (to rounding), and so does one of Y's.
#[test]
fn mixing_channels_leaves_the_vector_rate_unchanged() {
    let n = 1 << 13;
    let (x1, y1) = coupled(131, n);
    let (x2, y2) = coupled(141, n);
    let x = concatenate![Axis(1), x1, x2];
    let y = concatenate![Axis(1), y1, &y2 + &x1 * 0.3];
    let est = rate_of(InformationRate::params().nperseg(64));
    let base = est.rate(x.view(), y.view()).unwrap();
    let mix = ndarray::array![[1.0, 0.5], [-0.3, 2.0]];
    let mixed = est
        .rate(x.dot(&mix).view(), y.dot(&mix.t()).view())
        .unwrap();
    assert!(
        rel(mixed.value, base.value) < 1e-9,
        "{} {}",
        mixed.value,
        base.value
    );
}

// ---------------------------------------------------------------------------------------------
// scipy on a deterministic input (cross-implementation value).
// ---------------------------------------------------------------------------------------------

/// A 64-bit LCG (Knuth's MMIX constants) as floats in [−0.5, 0.5): reproducible in any
/// language with wrapping 64-bit integers.
fn lcg(seed: u64, n: usize) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

/// Reference value from scipy 1.17.1 / numpy 2.4.6 (Python 3, this machine):
///
/// ```python
/// import numpy as np; from scipy import signal, integrate
/// def lcg(seed, n):
///     s, out = seed, []
///     for _ in range(n):
///         s = (s * 6364136223846793005 + 1442695040888963407) % 2**64
///         out.append((s >> 11) / 2**53 - 0.5)
///     return np.array(out)
/// x = lcg(1, 4096); e = lcg(2, 4096)
/// y = x + 0.8 * np.concatenate([[0.0], x[:-1]]) + e
/// f, c = signal.coherence(x, y, fs=1 / 0.1, nperseg=100)
/// print(repr(integrate.trapezoid(-np.log1p(-c), f)))   # per unit time, dt = 0.1
/// ```
///
/// Agreement to 1e-9 relative (the same formulas, different FFTs and summation orders).
#[test]
fn matches_scipy_coherence_on_a_deterministic_input() {
    const SCIPY: f64 = 4.431_857_810_201_889_5;
    let n = 4096;
    let x = Array1::from(lcg(1, n));
    let e = Array1::from(lcg(2, n));
    let y = Array1::from_shape_fn(n, |t| {
        let lag = if t == 0 { 0.0 } else { x[t - 1] };
        x[t] + 0.8 * lag + e[t]
    });
    let out = rate_of(InformationRate::params().nperseg(100).dt(0.1))
        .rate(col(&x).view(), col(&y).view())
        .unwrap();
    assert!(rel(out.value, SCIPY) < 1e-9, "{} vs {SCIPY}", out.value);
}

// ---------------------------------------------------------------------------------------------
// Cutoff, odd lengths, DC.
// ---------------------------------------------------------------------------------------------

/// A cutoff on the grid integrates the grid's bins up to it; one between two bins adds a
/// partial interval on the interpolated density; the Nyquist cutoff is the default.
#[test]
fn the_cutoff_limits_the_integral() {
    let (x, y) = coupled(151, 1 << 13);
    let full = rate_of(InformationRate::params().nperseg(100).dt(0.1))
        .rate(x.view(), y.view())
        .unwrap();
    let nyquist = rate_of(InformationRate::params().nperseg(100).dt(0.1).cutoff(5.0))
        .rate(x.view(), y.view())
        .unwrap();
    assert_eq!(full.value, nyquist.value);
    assert_eq!(full.integrated_to, 5.0);
    let trapezoid = |d: &[f64], df: f64, upto: usize| -> f64 {
        (0..upto).map(|k| (d[k] + d[k + 1]) * df / 2.0).sum()
    };
    // Δf = 0.1: cutoff 2.0 is bin 20.
    let on_grid = rate_of(InformationRate::params().nperseg(100).dt(0.1).cutoff(2.0))
        .rate(x.view(), y.view())
        .unwrap();
    assert_eq!(on_grid.frequencies.len(), 21);
    let expected = trapezoid(&full.density, 0.1, 20);
    assert!(rel(on_grid.value, expected) < 1e-12);
    let between = rate_of(InformationRate::params().nperseg(100).dt(0.1).cutoff(2.04))
        .rate(x.view(), y.view())
        .unwrap();
    assert_eq!(between.frequencies.len(), 22);
    let d = &full.density;
    let end = d[20] + 0.4 * (d[21] - d[20]);
    let expected = expected + (d[20] + end) * 0.04 / 2.0;
    assert!(rel(between.value, expected) < 1e-12);
    assert_eq!(between.integrated_to, 2.04);
}

/// Odd nperseg: the grid stops below Nyquist; a Nyquist cutoff integrates to the last bin, and
/// says so.
#[test]
fn odd_segments_integrate_to_the_last_bin() {
    let (x, y) = coupled(161, 1 << 12);
    let out = rate_of(InformationRate::params().nperseg(63).cutoff(0.5))
        .rate(x.view(), y.view())
        .unwrap();
    assert_eq!(out.frequencies.len(), 32);
    assert!((out.integrated_to - 31.0 / 63.0).abs() < 1e-15);
    assert!(out.warnings.iter().any(|w| w.contains("odd nperseg")));
}

/// Boxcar after constant detrending: every segment's f = 0 coefficient is zero, so that bin is
/// left out (density 0) and said so.
#[test]
fn the_zero_dc_bin_of_a_detrended_boxcar_is_left_out() {
    let (x, y) = coupled(171, 1 << 12);
    let out = rate_of(InformationRate::params().nperseg(64).window(Window::Boxcar))
        .rate(x.view(), y.view())
        .unwrap();
    assert!(out.diagnostics.dc_bin_excluded);
    assert_eq!(out.density[0], 0.0);
    assert_eq!(out.coherence.as_ref().unwrap()[0], 0.0);
    assert!(out.value > 0.0);
    let hann = rate_of(InformationRate::params().nperseg(64))
        .rate(x.view(), y.view())
        .unwrap();
    assert!(!hann.diagnostics.dc_bin_excluded);
    assert!(hann.density[0] > 0.0);
}

// ---------------------------------------------------------------------------------------------
// (j) Thread-count determinism.
// ---------------------------------------------------------------------------------------------

/// The whole estimate, baseline included, is bitwise the same on 1 and 2 threads (and on the
/// global pool).
#[test]
fn the_rate_is_the_same_on_any_number_of_threads() {
    let n = 1 << 15;
    let (x, y) = coupled(211, n);
    let x2 = concatenate![Axis(1), x, col(&white(212, n, 1.0))];
    let est = rate_of(
        InformationRate::params()
            .nperseg(100)
            .baseline(Baseline::CircularShift)
            .n_baseline(3),
    );
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                (
                    est.rate(x.view(), y.view()).unwrap(),
                    est.rate(x2.view(), y.view()).unwrap(),
                )
            })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    assert_eq!(one.0, est.rate(x.view(), y.view()).unwrap());
}

/// The result serialises with its unit, its configuration and its diagnostics.
#[test]
fn the_estimate_serialises_with_its_unit_and_config() {
    let (x, y) = coupled(221, 1 << 12);
    let out = rate_of(InformationRate::params().nperseg(64).dt(0.5))
        .rate(x.view(), y.view())
        .unwrap();
    let json = serde_json::to_value(out.in_unit(Unit::Bits)).unwrap();
    assert_eq!(json["unit"], "bits");
    assert_eq!(json["method"], "spectral_rate");
    assert_eq!(json["config"]["nperseg"], 64);
    assert_eq!(json["config"]["window"], "hann");
    assert_eq!(json["diagnostics"]["segments"]["n_segments"], 127);
    let back: RateEstimate = serde_json::from_value(json).unwrap();
    assert_eq!(back.unit, Unit::Bits);
    assert!((back.nats_per_time() - out.value).abs() < 1e-15);
    assert!((out.nats_per_sample() - out.value * 0.5).abs() < 1e-15);
}
