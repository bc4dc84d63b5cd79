//! Kolchinsky–Tracey bounds against SPEC.md §1.2's checkable facts (derived from the formulas;
//! the two-point "true" column is 1-D quadrature, recorded in SPEC.md).

use infoscope_estimators::EstimatorError;
use infoscope_estimators::kt::{KolchinskyTracey, KtParams};
use ndarray::{Array1, Array2, array};

use crate::common::normals;

fn kt(v: f64) -> KolchinskyTracey {
    KolchinskyTracey::new(v).unwrap()
}

#[test]
fn one_sample_and_duplicates_give_zero() {
    let one = array![[0.3, -1.2]];
    let b = kt(0.1).mi_input_bounds(one.view(), None).unwrap();
    assert_eq!((b.lower.nats(), b.upper.nats()), (0.0, 0.0));
    let dup = Array2::from_elem((50, 3), 0.7);
    let b = kt(0.1).mi_input_bounds(dup.view(), None).unwrap();
    assert!(b.lower.nats().abs() < 1e-15 && b.upper.nats().abs() < 1e-15);
}

#[test]
fn bounds_are_ordered_and_at_most_ln_n() {
    for (seed, v) in [(1, 1e-3), (2, 0.05), (3, 1.0), (4, 10.0)] {
        let h = normals(seed, 300, 4).mapv(f64::tanh);
        let b = kt(v).mi_input_bounds(h.view(), None).unwrap();
        let (lo, up) = (b.lower.nats(), b.upper.nats());
        assert!(
            0.0 <= lo && lo <= up && up <= (300.0_f64).ln() + 1e-12,
            "v {v}: {lo} {up}"
        );
    }
}

/// SPEC.md §1.2 two-point table (σ = 1): I_lo = −ln((1 + e^{−D²/8})/2),
/// I_up = −ln((1 + e^{−D²/2})/2), and the true MI (quadrature) lies between them.
#[test]
#[allow(clippy::approx_constant)] // 0.693147 is SPEC's printed value (ln 2 to 6 decimals)
fn two_point_table() {
    let table = [
        (0.5, 0.030762, 0.058878, 0.117208),
        (1.0, 0.060548, 0.111421, 0.219070),
        (2.0, 0.117208, 0.201345, 0.379885),
        (8.0, 0.379885, 0.500072, 0.674997),
        (32.0, 0.674997, 0.686536, 0.693147),
    ];
    for (d2, lo, truth, up) in table {
        let h = array![[0.0], [f64::sqrt(d2)]];
        let b = kt(1.0).mi_input_bounds(h.view(), None).unwrap();
        assert!(
            (b.lower.nats() - lo).abs() < 1e-6,
            "D² {d2}: {}",
            b.lower.nats()
        );
        assert!(
            (b.upper.nats() - up).abs() < 1e-6,
            "D² {d2}: {}",
            b.upper.nats()
        );
        assert!(b.lower.nats() <= truth && truth <= b.upper.nats());
    }
}

/// SPEC.md §1.2 1-D example: h = {0, 1, 3}, σ² = 1, Y = {0, 0, 1}.
#[test]
fn one_dimensional_example() {
    let h = array![[0.0], [1.0], [3.0]];
    let y = array![0_i64, 0, 1];
    let est = kt(1.0);
    let hb = est.entropy_bounds(h.view(), None).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(close(hb.upper.nats(), 2.126687), "{}", hb.upper.nats());
    assert!(close(hb.lower.nats(), 1.730309), "{}", hb.lower.nats());
    let noise = hb
        .upper
        .diagnostic("noise_entropy")
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(close(noise, 1.418939));
    let mi = est.mi_input_bounds(h.view(), None).unwrap();
    assert!(close(mi.upper.nats(), 0.707749) && close(mi.lower.nats(), 0.311370));
    let my = est.mi_label_bounds(h.view(), y.view(), None).unwrap();
    assert!(close(my.upper.nats(), 0.561702), "{}", my.upper.nats());
    assert!(close(my.lower.nats(), 0.271005), "{}", my.lower.nats());
    assert!(!my.upper.warnings.is_empty());
}

/// K well-separated clusters of identical points, equal sizes: both bounds are ln K (to within
/// e^{−Δ²/(8σ²)}, here e^{−1250}).
#[test]
fn separated_clusters_give_ln_k() {
    let k = 4;
    let h = Array2::from_shape_fn((k * 25, 2), |(i, t)| {
        if t == 0 { 100.0 * (i / 25) as f64 } else { 0.0 }
    });
    let b = kt(1.0).mi_input_bounds(h.view(), None).unwrap();
    let ln_k = (k as f64).ln();
    assert!((b.lower.nats() - ln_k).abs() < 1e-12 && (b.upper.nats() - ln_k).abs() < 1e-12);
}

/// A duplicated sample is the same mixture as one sample with twice the weight; tiling and
/// thread count do not change the numbers.
#[test]
fn weights_tiles_and_threads() {
    let h = normals(5, 40, 3);
    let mut dup = Array2::zeros((41, 3));
    dup.slice_mut(ndarray::s![..40, ..]).assign(&h);
    dup.row_mut(40).assign(&h.row(0));
    let mut w = Array1::from_elem(40, 1.0);
    w[0] = 2.0;
    let est = kt(0.3);
    let a = est.mi_input_bounds(dup.view(), None).unwrap();
    let b = est.mi_input_bounds(h.view(), Some(w.view())).unwrap();
    assert!((a.upper.nats() - b.upper.nats()).abs() < 1e-12);
    assert!((a.lower.nats() - b.lower.nats()).abs() < 1e-12);
    let big = normals(6, 700, 8);
    let whole = KolchinskyTracey::with_params(KtParams {
        noise_var: 0.5,
        tile: 700,
    })
    .unwrap();
    let tiled = KolchinskyTracey::with_params(KtParams {
        noise_var: 0.5,
        tile: 64,
    })
    .unwrap();
    let (x, y) = (
        whole.mi_input_bounds(big.view(), None).unwrap(),
        tiled.mi_input_bounds(big.view(), None).unwrap(),
    );
    assert!((x.upper.nats() - y.upper.nats()).abs() < 1e-12);
    assert!((x.lower.nats() - y.lower.nats()).abs() < 1e-12);
    let run = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| {
                tiled
                    .mi_input_bounds(big.view(), None)
                    .unwrap()
                    .upper
                    .nats()
                    .to_bits()
            })
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn bad_inputs_are_refused() {
    for v in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            KolchinskyTracey::new(v).unwrap_err(),
            EstimatorError::InvalidParameter {
                name: "noise_var",
                ..
            }
        ));
    }
    let h = normals(7, 10, 2);
    let est = kt(1.0);
    let short = Array1::from_elem(9, 1.0);
    assert!(matches!(
        est.mi_input_bounds(h.view(), Some(short.view()))
            .unwrap_err(),
        EstimatorError::ShapeMismatch {
            argument: "weights",
            ..
        }
    ));
    let mut neg = Array1::from_elem(10, 1.0);
    neg[3] = -1.0;
    assert!(matches!(
        est.mi_input_bounds(h.view(), Some(neg.view())).unwrap_err(),
        EstimatorError::InvalidParameter {
            name: "weights",
            ..
        }
    ));
    let y = Array1::from_elem(9, 0_i64);
    assert!(matches!(
        est.mi_label_bounds(h.view(), y.view(), None).unwrap_err(),
        EstimatorError::ShapeMismatch { .. }
    ));
    let mut bad = h.clone();
    bad[[4, 1]] = f64::NAN;
    assert!(matches!(
        est.entropy_bounds(bad.view(), None).unwrap_err(),
        EstimatorError::NonFinite {
            argument: "h",
            row: 4,
            col: 1,
            ..
        }
    ));
}

/// The sweep equals separate estimates at each σ², and the bounds fall as the noise grows.
#[test]
fn noise_sweep_matches_single_estimates() {
    let h = normals(8, 200, 3);
    let vars = [1e-3, 1e-2, 0.1, 1.0, 10.0];
    let sweep = infoscope_estimators::kt::noise_sweep(h.view(), &vars, 64).unwrap();
    for (p, &v) in sweep.iter().zip(&vars) {
        let b = kt(v).mi_input_bounds(h.view(), None).unwrap();
        assert!(
            (p.upper - b.upper.nats()).abs() < 1e-12 && (p.lower - b.lower.nats()).abs() < 1e-12
        );
    }
    for w in sweep.windows(2) {
        assert!(w[1].upper <= w[0].upper && w[1].lower <= w[0].lower);
    }
    assert!(infoscope_estimators::kt::noise_sweep(h.view(), &[], 64).is_err());
    assert!(infoscope_estimators::kt::noise_sweep(h.view(), &[1.0, -1.0], 64).is_err());
}

/// General mixtures: with σ²I covariances they equal the noisy-layer fast path; in 1-D the
/// divergences are checked against hand-derived values; the bounds sit in [H(X|C), H(X|C) + H(C)].
#[test]
fn general_mixture_bounds() {
    use infoscope_estimators::kt::mixture_entropy_bounds;
    use ndarray::Array3;
    let means = normals(9, 30, 3);
    let iso = Array3::from_shape_fn((30, 3, 3), |(_, a, b)| if a == b { 0.4 } else { 0.0 });
    let m = mixture_entropy_bounds(means.view(), iso.view(), None).unwrap();
    let fast = kt(0.4).entropy_bounds(means.view(), None).unwrap();
    assert!(
        (m.upper - fast.upper.nats()).abs() < 1e-10,
        "{} vs {}",
        m.upper,
        fast.upper.nats()
    );
    assert!((m.lower - fast.lower.nats()).abs() < 1e-10);
    // p1 = N(0, 1), p2 = N(1, 4), equal weights. By hand: KL(p1‖p2) = ½(ln 4 + 1/4 + 1/4 − 1),
    // KL(p2‖p1) = ½(−ln 4 + 1 + 4 − 1), BD = (1/8)(1/2.5) + ½ ln(2.5/2); H(p1) = ½(ln 2π + 1),
    // H(p2) = H(p1) + ln 2.
    let mu = array![[0.0], [1.0]];
    let cov = Array3::from_shape_vec((2, 1, 1), vec![1.0, 4.0]).unwrap();
    let b = mixture_entropy_bounds(mu.view(), cov.view(), None).unwrap();
    let ln4 = 4.0_f64.ln();
    let (kl12, kl21) = (0.5 * (ln4 - 0.5), 0.5 * (3.0 - ln4 + 1.0));
    let bd = 0.125 / 2.5 + 0.5 * (1.25_f64).ln();
    let h1 = 0.5 * ((2.0 * std::f64::consts::PI).ln() + 1.0);
    let cond = 0.5 * (h1 + h1 + 2.0_f64.ln());
    let upper =
        cond - 0.5 * ((0.5 * (1.0 + (-kl12).exp())).ln() + (0.5 * (1.0 + (-kl21).exp())).ln());
    let lower = cond - (0.5 * (1.0 + (-bd).exp())).ln();
    assert!((b.conditional - cond).abs() < 1e-12);
    assert!((b.upper - upper).abs() < 1e-12, "{} vs {upper}", b.upper);
    assert!((b.lower - lower).abs() < 1e-12, "{} vs {lower}", b.lower);
    // Heteroscedastic random mixtures: H(X|C) ≤ lower ≤ upper ≤ H(X|C) + H(C).
    let covs = Array3::from_shape_fn((30, 3, 3), |(i, a, b)| {
        if a == b {
            0.1 + 0.05 * (i % 7) as f64
        } else {
            0.02
        }
    });
    let r = mixture_entropy_bounds(means.view(), covs.view(), None).unwrap();
    assert!(r.conditional <= r.lower && r.lower <= r.upper);
    assert!(r.upper <= r.conditional + r.mixing + 1e-12);
    assert!((r.mixing - 30.0_f64.ln()).abs() < 1e-12);
    // Errors: shape, and a covariance that is not positive definite.
    let wrong = Array3::<f64>::zeros((30, 3, 2));
    assert!(mixture_entropy_bounds(means.view(), wrong.view(), None).is_err());
    let mut bad = iso.clone();
    bad[[4, 1, 1]] = -1.0;
    assert!(matches!(
        mixture_entropy_bounds(means.view(), bad.view(), None).unwrap_err(),
        EstimatorError::NotPositiveDefinite {
            argument: "covs",
            ..
        }
    ));
}

/// Issue 15: the bounds depend on distances only, so a common offset must not move them. Before
/// the kernel centred the data, an offset of 1e6 moved the lower bound by ~1e-3 and 1e8
/// collapsed I(X;T) from 5.67 to 0.33 nats (‖a‖² + ‖b‖² − 2a·b cancels catastrophically).
#[test]
fn bounds_are_translation_invariant() {
    let h = normals(11, 400, 8);
    let labels = crate::common::labels(12, 400, 4);
    let est = kt(0.01);
    let base = est.mi_input_bounds(h.view(), None).unwrap();
    let base_y = est.mi_label_bounds(h.view(), labels.view(), None).unwrap();
    for offset in [1e3, 1e6, 1e8] {
        let shifted = h.mapv(|v| v + offset);
        let b = est.mi_input_bounds(shifted.view(), None).unwrap();
        let by = est
            .mi_label_bounds(shifted.view(), labels.view(), None)
            .unwrap();
        // At 1e8 the data themselves only keep ~8 significant digits of each coordinate.
        let tol = 1e-9_f64.max(offset * 1e-15);
        for (a, b) in [
            (base.lower.nats(), b.lower.nats()),
            (base.upper.nats(), b.upper.nats()),
            (base_y.lower.nats(), by.lower.nats()),
            (base_y.upper.nats(), by.upper.nats()),
        ] {
            assert!((a - b).abs() < tol, "offset {offset}: {a} vs {b}");
        }
    }
}

/// Large activations far from the origin in some directions (saturated units, unnormalised
/// rates): the squared distances between near rows must not be lost to cancellation.
#[test]
fn bounds_hold_for_large_magnitude_activations() {
    let n = 300;
    let small = normals(13, n, 4);
    // Two units at ±1e7 (sign random), two small ones carrying the spread.
    let signs = crate::common::labels(14, n, 2);
    let mut big = Array2::zeros((n, 6));
    for i in 0..n {
        let s = if signs[i] == 0 { -1.0 } else { 1.0 };
        big[[i, 0]] = 1e7 * s;
        big[[i, 1]] = -1e7 * s;
        for j in 0..4 {
            big[[i, 2 + j]] = small[[i, j]];
        }
    }
    let est = kt(0.05);
    let got = est.mi_input_bounds(big.view(), None).unwrap();
    // The same geometry without the huge coordinates: the two sign groups are ~2.8e7 apart,
    // i.e. separate clusters, which adds exactly ln 2 in the limit (both bounds).
    let sep = {
        let mut m = Array2::zeros((n, 6));
        for i in 0..n {
            m[[i, 0]] = if signs[i] == 0 { -1e3 } else { 1e3 };
            for j in 0..4 {
                m[[i, 2 + j]] = small[[i, j]];
            }
        }
        est.mi_input_bounds(m.view(), None).unwrap()
    };
    assert!(
        (got.lower.nats() - sep.lower.nats()).abs() < 1e-9,
        "{} vs {}",
        got.lower.nats(),
        sep.lower.nats()
    );
    assert!((got.upper.nats() - sep.upper.nats()).abs() < 1e-9);
}
