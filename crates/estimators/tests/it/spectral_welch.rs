//! Welch spectra (issue #18): the FFT path against a naive DFT, the PSD scaling (Parseval),
//! the default segment length, and the spectral information rate's refusals of bad
//! parameters and data, each a typed error naming the argument.

use std::f64::consts::TAU;

use infoscope_estimators::EstimatorError;
use infoscope_estimators::spectral::{
    Baseline, Complex64, Detrend, InformationRate, SpectralMatrix, Welch, Window,
};
use ndarray::{Array2, s};

use crate::common::normals;
use crate::spectral_rate::{ar1, col, rate_of, rel, white};

// ---------------------------------------------------------------------------------------------
// (f) Brute-force oracle: Welch spectra from a naive O(n²) DFT.
// ---------------------------------------------------------------------------------------------

/// The Welch spectral matrix written out from its definition (scipy's `csd` conventions) with
/// a naive DFT: detrend, taper, X_k = Σ_n x_n e^{−2πikn/L}, S_ij = c_k dt/(K Σw²) Σ conj(X_i) X_j.
fn naive_welch(
    z: &Array2<f64>,
    nperseg: usize,
    noverlap: usize,
    window: Window,
    detrend: Detrend,
    dt: f64,
) -> Vec<Array2<Complex64>> {
    let (n, d) = z.dim();
    let step = nperseg - noverlap;
    let k_seg = (n - nperseg) / step + 1;
    let nf = nperseg / 2 + 1;
    let w = match window {
        Window::Hann => (0..nperseg)
            .map(|i| 0.5 - 0.5 * (TAU * i as f64 / nperseg as f64).cos())
            .collect::<Vec<_>>(),
        Window::Boxcar => vec![1.0; nperseg],
    };
    let energy: f64 = w.iter().map(|v| v * v).sum();
    let mut out = vec![Array2::<Complex64>::zeros((d, d)); nf];
    for seg in 0..k_seg {
        let start = seg * step;
        let spectra: Vec<Vec<Complex64>> = (0..d)
            .map(|c| {
                let part = z.slice(s![start..start + nperseg, c]);
                let mean = match detrend {
                    Detrend::Constant => part.sum() / nperseg as f64,
                    Detrend::None => 0.0,
                };
                (0..nf)
                    .map(|k| {
                        (0..nperseg)
                            .map(|i| {
                                let ang = -TAU * (k * i) as f64 / nperseg as f64;
                                Complex64::new(ang.cos(), ang.sin()) * ((part[i] - mean) * w[i])
                            })
                            .sum()
                    })
                    .collect()
            })
            .collect();
        for (k, m) in out.iter_mut().enumerate() {
            for i in 0..d {
                for j in 0..d {
                    m[[i, j]] += spectra[i][k].conj() * spectra[j][k];
                }
            }
        }
    }
    for (k, m) in out.iter_mut().enumerate() {
        let twice = k != 0 && !(nperseg.is_multiple_of(2) && k == nperseg / 2);
        let c = if twice { 2.0 } else { 1.0 };
        m.mapv_inplace(|v| v * (c * dt / (energy * k_seg as f64)));
    }
    out
}

fn max_abs_diff(fast: &SpectralMatrix, naive: &[Array2<Complex64>]) -> (f64, f64) {
    let mut diff: f64 = 0.0;
    let mut scale: f64 = 0.0;
    for (k, m) in naive.iter().enumerate() {
        for ((i, j), v) in m.indexed_iter() {
            diff = diff.max((fast.values()[[k, i, j]] - v).norm());
            scale = scale.max(v.norm());
        }
    }
    (diff, scale)
}

/// The FFT path equals the naive DFT to 1e-10 relative to the largest entry, for even and odd
/// segment lengths, both windows, both detrendings, overlaps 0 and 0.5.
#[test]
fn welch_spectra_match_a_naive_dft() {
    let z = normals(71, 700, 3);
    let mut z = z;
    // Give the channels different spectra and a mean.
    for t in 1..700 {
        let prev = z[[t - 1, 0]];
        z[[t, 1]] += 0.9 * prev;
        z[[t, 2]] += 2.0;
    }
    for (nperseg, overlap) in [(100, 0.5), (99, 0.5), (64, 0.0), (33, 0.25)] {
        for window in [Window::Hann, Window::Boxcar] {
            for detrend in [Detrend::Constant, Detrend::None] {
                let welch = Welch::params()
                    .nperseg(nperseg)
                    .overlap(overlap)
                    .window(window)
                    .detrend(detrend)
                    .dt(0.1)
                    .check()
                    .unwrap();
                let fast = welch
                    .cross_spectra(z.slice(s![.., 0..2]), z.slice(s![.., 2..3]))
                    .unwrap();
                let noverlap = fast.segments().noverlap;
                assert_eq!(noverlap, (overlap * nperseg as f64).floor() as usize);
                let naive = naive_welch(&z, nperseg, noverlap, window, detrend, 0.1);
                let (diff, scale) = max_abs_diff(&fast, &naive);
                assert!(
                    diff <= 1e-10 * scale,
                    "{nperseg} {overlap} {window} {detrend}: {diff} vs {scale}"
                );
                let k = fast.frequencies().len();
                assert_eq!(k, nperseg / 2 + 1);
                assert!((fast.frequencies()[1] - 1.0 / (nperseg as f64 * 0.1)).abs() < 1e-12);
                // The same through `spectra` on the joined matrix.
                assert_eq!(welch.spectra(z.view()).unwrap(), fast);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (g) Parseval: the one-sided density integrates to the variance.
// ---------------------------------------------------------------------------------------------

/// Boxcar, no overlap, no detrending, whole segments: Σ_k S(f_k) Δf is the mean square of the
/// series exactly (Parseval); with a Hann window and constant detrending it is the mean over
/// segments of Σ(w(x − x̄))²/Σw².
#[test]
fn the_psd_sums_to_the_mean_square() {
    let x = ar1(81, 4000, 0.6, 1.0) + 0.3;
    let z = col(&x);
    let dt = 0.01;
    let exact = Welch::params()
        .nperseg(200)
        .overlap(0.0)
        .window(Window::Boxcar)
        .detrend(Detrend::None)
        .dt(dt)
        .check()
        .unwrap()
        .spectra(z.view())
        .unwrap();
    let df = exact.resolution();
    let sum: f64 = exact.psd(0).sum() * df;
    let mean_square = x.mapv(|v| v * v).mean().unwrap();
    assert!(rel(sum, mean_square) < 1e-12, "{sum} vs {mean_square}");

    let welch = Welch::params().nperseg(256).dt(dt).check().unwrap();
    let hann = welch.spectra(z.view()).unwrap();
    let seg = hann.segments();
    let w = Window::Hann.values(256);
    let energy: f64 = w.iter().map(|v| v * v).sum();
    let expected = (0..seg.n_segments)
        .map(|k| {
            let part = x.slice(s![k * seg.step()..k * seg.step() + 256]);
            let mean = part.mean().unwrap();
            part.iter()
                .zip(&w)
                .map(|(v, w)| ((v - mean) * w).powi(2))
                .sum::<f64>()
                / energy
        })
        .sum::<f64>()
        / seg.n_segments as f64;
    let sum = hann.psd(0).sum() * hann.resolution();
    assert!(rel(sum, expected) < 1e-12, "{sum} vs {expected}");
}

/// White noise of variance 4: the trapezoid ∫_0^Nyquist S(f) df is 4 within 2 % (2¹⁶ samples,
/// K = 511: the integral's relative sd is about 1/√(K · 129) ≈ 0.4 %; the trapezoid's halved
/// end bins change it by 1/256).
#[test]
fn white_noise_psd_integrates_to_its_variance() {
    let x = white(91, 1 << 16, 4.0);
    let spectra = Welch::params()
        .nperseg(256)
        .dt(0.01)
        .check()
        .unwrap()
        .spectra(col(&x).view())
        .unwrap();
    let psd = spectra.psd(0);
    let f = spectra.frequencies();
    let integral: f64 = (1..f.len())
        .map(|k| (psd[k] + psd[k - 1]) * (f[k] - f[k - 1]) / 2.0)
        .sum();
    assert!(rel(integral, 4.0) < 0.02, "{integral}");
    // The flat density is 2 σ² dt (one-sided).
    let mid = psd.slice(s![10..100]).mean().unwrap();
    assert!(rel(mid, 2.0 * 4.0 * 0.01) < 0.02, "{mid}");
}

/// The default segment length: 256 when that leaves ≥ 8 segments, else the longest that does.
#[test]
fn the_default_nperseg_leaves_at_least_eight_segments() {
    let welch = Welch::params().check().unwrap();
    let long = welch.segments(100_000, 2).unwrap();
    assert_eq!((long.nperseg, long.noverlap), (256, 128));
    let short = welch.segments(1000, 2).unwrap();
    assert!(short.n_segments >= 8 && short.nperseg < 256, "{short:?}");
    let longer = Welch::params()
        .nperseg(short.nperseg + 1)
        .check()
        .unwrap()
        .segments(1000, 2)
        .unwrap();
    assert!(longer.n_segments < 8);
    // Four channels need four segments; a short series then gets the longest length that
    // gives max(8, 4).
    assert!(welch.segments(40, 4).unwrap().n_segments >= 8);
}

// ---------------------------------------------------------------------------------------------
// (i) Bad inputs: typed errors naming the argument.
// ---------------------------------------------------------------------------------------------

fn invalid(e: EstimatorError, expected: &str) {
    match &e {
        EstimatorError::InvalidParameter { name, .. } => assert_eq!(*name, expected, "{e}"),
        other => panic!("expected InvalidParameter `{expected}`, got {other:?}"),
    }
}

#[test]
fn bad_parameters_are_refused_by_name() {
    let p = InformationRate::params;
    invalid(p().nperseg(1).check().unwrap_err(), "nperseg");
    invalid(p().nperseg(0).check().unwrap_err(), "nperseg");
    for o in [1.0, -0.1, f64::NAN, 1.5] {
        invalid(p().overlap(o).check().unwrap_err(), "overlap");
    }
    for dt in [0.0, -1.0, f64::INFINITY, f64::NAN] {
        invalid(p().dt(dt).check().unwrap_err(), "dt");
    }
    for c in [0.0, -1.0, 0.51, f64::NAN, f64::INFINITY] {
        invalid(p().cutoff(c).check().unwrap_err(), "cutoff");
    }
    // With dt = 0.1 the Nyquist frequency is 5.
    assert!(p().dt(0.1).cutoff(5.0).check().is_ok());
    invalid(p().dt(0.1).cutoff(5.01).check().unwrap_err(), "cutoff");
    invalid(
        p().baseline(Baseline::CircularShift)
            .n_baseline(0)
            .check()
            .unwrap_err(),
        "n_baseline",
    );
    assert!(p().n_baseline(0).check().is_ok(), "no baseline, no count");
}

#[test]
fn bad_data_are_refused_by_name() {
    let est = rate_of(InformationRate::params().nperseg(16));
    let x = normals(181, 100, 1);
    let y = normals(182, 100, 1);
    let e = est.rate(x.view(), y.slice(s![..99, ..])).unwrap_err();
    assert!(
        matches!(
            e,
            EstimatorError::ShapeMismatch {
                argument: "y",
                other: "x",
                ..
            }
        ),
        "{e:?}"
    );
    let mut bad = x.clone();
    bad[[7, 0]] = f64::NAN;
    let e = est.rate(bad.view(), y.view()).unwrap_err();
    assert!(
        matches!(
            e,
            EstimatorError::NonFinite {
                argument: "x",
                row: 7,
                ..
            }
        ),
        "{e:?}"
    );
    let mut bad = y.clone();
    bad[[3, 0]] = f64::NEG_INFINITY;
    let e = est.rate(x.view(), bad.view()).unwrap_err();
    assert!(
        matches!(
            e,
            EstimatorError::NonFinite {
                argument: "y",
                row: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let e = est
        .rate(x.view(), Array2::zeros((0, 1)).view())
        .unwrap_err();
    assert!(
        matches!(e, EstimatorError::Empty { argument: "y", .. }),
        "{e:?}"
    );
    let e = est
        .rate(x.view(), Array2::from_elem((100, 1), 2.0).view())
        .unwrap_err();
    assert!(
        matches!(e, EstimatorError::ZeroVariance { argument: "y", .. }),
        "{e:?}"
    );
    // nperseg longer than the series; one segment only; too few for four channels.
    let e = rate_of(InformationRate::params().nperseg(101)).rate(x.view(), y.view());
    invalid(e.unwrap_err(), "nperseg");
    let e = rate_of(InformationRate::params().nperseg(80)).rate(x.view(), y.view());
    invalid(e.unwrap_err(), "nperseg");
    let x4 = normals(183, 100, 2);
    let y4 = normals(184, 100, 2);
    let e = rate_of(InformationRate::params().nperseg(50)).rate(x4.view(), y4.view());
    invalid(e.unwrap_err(), "nperseg");
    // The default nperseg on too short a series.
    let e = rate_of(InformationRate::params())
        .rate(x.slice(s![..5, ..]), y.slice(s![..5, ..]))
        .unwrap_err();
    assert!(
        matches!(
            e,
            EstimatorError::TooFewSamples {
                argument: "x",
                got: 5,
                ..
            }
        ),
        "{e:?}"
    );
    // A baseline needs 2 · nperseg samples.
    let e = rate_of(
        InformationRate::params()
            .nperseg(64)
            .baseline(Baseline::SegmentShuffle),
    )
    .rate(x.view(), y.view());
    invalid(e.unwrap_err(), "baseline");
}

/// y a noiseless multiple of x: the coherence is 1 and the rate infinite, refused naming y.
#[test]
fn a_noiseless_copy_is_refused_as_infinite() {
    let x = normals(191, 512, 1);
    let e = rate_of(InformationRate::params().nperseg(64))
        .rate(x.view(), (&x * 2.0).view())
        .unwrap_err();
    assert!(
        matches!(e, EstimatorError::NotPositiveDefinite { argument: "y", .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("infinite"), "{e}");
}

/// 10 samples of 10⁶ + 1 channels: 48 TB of spectral matrices, refused before allocation
/// (the size exceeds any machine, so the test sets no budget).
#[test]
fn spectral_matrices_over_the_memory_budget_are_refused() {
    let x = Array2::from_shape_fn((10, 1_000_000), |(i, j)| ((i * 31 + j * 17) % 97) as f64);
    let y = normals(201, 10, 1);
    let e = rate_of(InformationRate::params().nperseg(4))
        .rate(x.view(), y.view())
        .unwrap_err();
    assert!(
        matches!(e, EstimatorError::TooLarge { argument: "x", .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("spectral matrices"), "{e}");
}
