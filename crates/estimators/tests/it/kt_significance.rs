//! Kolchinsky–Tracey I(T;Y) through the grouped kernel against per-class entropy bounds, and
//! its surrogate tests and bootstrap intervals.

use infoscope_estimators::EstimatorError;
use infoscope_estimators::kt::KolchinskyTracey;
use infoscope_estimators::significance::{Surrogate, surrogate_orders};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::common::{labels, normals};

fn kt(v: f64) -> KolchinskyTracey {
    KolchinskyTracey::new(v).unwrap()
}

/// I(T;Y) from its definition: Ĥ(T) − Σ_y p_y Ĥ(T | Y = y), each term an entropy bound on the
/// class's rows with the class's normalised weights. `[lower, upper]`.
fn per_class(
    k: &KolchinskyTracey,
    h: ArrayView2<'_, f64>,
    y: ArrayView1<'_, i64>,
    w: &[f64],
) -> [f64; 2] {
    let total: f64 = w.iter().sum();
    let all = k.entropy_bounds(h, Some(ArrayView1::from(w))).unwrap();
    let mut classes: Vec<i64> = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let (mut lo, mut up) = (0.0, 0.0);
    for c in classes {
        let idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == c).collect();
        let wc: Array1<f64> = idx.iter().map(|&i| w[i]).collect();
        let p = wc.sum() / total;
        if p == 0.0 {
            continue;
        }
        let b = k
            .entropy_bounds(h.select(Axis(0), &idx).view(), Some(wc.view()))
            .unwrap();
        lo += p * b.lower.nats();
        up += p * b.upper.nats();
    }
    [all.lower.nats() - lo, all.upper.nats() - up]
}

#[test]
fn label_bounds_equal_the_per_class_definition() {
    let h = normals(1, 90, 3);
    let y = labels(2, 90, 4);
    let k = kt(0.5);
    let uniform = vec![1.0; 90];
    let weighted: Vec<f64> = (0..90).map(|i| 0.5 + (i % 7) as f64).collect();
    let mut with_zero = weighted.clone();
    with_zero[3] = 0.0;
    for w in [uniform, weighted, with_zero] {
        let want = per_class(&k, h.view(), y.view(), &w);
        let b = k
            .mi_label_bounds(h.view(), y.view(), Some(ArrayView1::from(&w)))
            .unwrap();
        assert!(
            (b.lower.nats() - want[0]).abs() < 1e-12,
            "{} vs {}",
            b.lower.nats(),
            want[0]
        );
        assert!(
            (b.upper.nats() - want[1]).abs() < 1e-12,
            "{} vs {}",
            b.upper.nats(),
            want[1]
        );
    }
}

#[test]
fn surrogate_null_is_the_bound_on_relabeled_data() {
    let h = normals(3, 70, 2);
    let y = labels(4, 70, 3);
    let k = kt(0.3);
    for kind in [
        Surrogate::Permutation,
        Surrogate::CircularShift { min_shift: 5 },
    ] {
        // 40 surrogates: more than one sweep of the grouped kernel.
        let t = k
            .label_surrogate_test(h.view(), y.view(), None, kind, 40, 8)
            .unwrap();
        let plain = k.mi_label_bounds(h.view(), y.view(), None).unwrap();
        assert_eq!(t.lower.estimate, plain.lower);
        assert_eq!(t.upper.estimate, plain.upper);
        for (s, order) in surrogate_orders(kind, 70, 40, 8)
            .unwrap()
            .iter()
            .enumerate()
        {
            let ys = y.select(Axis(0), order);
            let b = k.mi_label_bounds(h.view(), ys.view(), None).unwrap();
            assert!((t.lower.null[s] - b.lower.nats()).abs() < 1e-12);
            assert!((t.upper.null[s] - b.upper.nats()).abs() < 1e-12);
        }
    }
}

/// Labels that set the cluster: p = 1/(N+1) for both estimates. Independent labels: over 100
/// datasets the count with p ≤ 0.05 is Binomial(100, 0.05) (mean 5, sd 2.2), asserted ≤ 13
/// (+3.7 sd), and the count with p ≤ 0.5 in 30..=70 (mean 50, sd 5; ±4 sd).
#[test]
fn label_tests_are_calibrated() {
    let k = kt(0.5);
    let y = labels(5, 80, 2);
    let h = Array2::from_shape_fn((80, 2), |(i, t)| 3.0 * y[i] as f64 + 0.1 * t as f64);
    let t = k
        .label_surrogate_test(h.view(), y.view(), None, Surrogate::Permutation, 49, 1)
        .unwrap();
    assert_eq!(t.lower.p_value, 0.02);
    assert_eq!(t.upper.p_value, 0.02);
    let (mut small, mut half) = (0, 0);
    for seed in 0..100 {
        let h = normals(100 + seed, 40, 2);
        let y = labels(300 + seed, 40, 2);
        let t = k
            .label_surrogate_test(h.view(), y.view(), None, Surrogate::Permutation, 39, seed)
            .unwrap();
        small += usize::from(t.upper.p_value <= 0.05);
        half += usize::from(t.upper.p_value <= 0.5);
    }
    assert!(small <= 13, "{small} of 100 below 0.05");
    assert!((30..=70).contains(&half), "{half} of 100 below 0.5");
}

#[test]
fn bootstrap_intervals_are_seeded_and_ordered() {
    let k = kt(0.5);
    let h = normals(9, 60, 2);
    let y = labels(10, 60, 3);
    let a = k
        .label_bootstrap_ci(h.view(), y.view(), None, 30, 0.9, 4)
        .unwrap();
    let b = k
        .label_bootstrap_ci(h.view(), y.view(), None, 30, 0.9, 4)
        .unwrap();
    assert_eq!(a, b);
    for ci in [&a.lower, &a.upper] {
        assert!(ci.lower <= ci.upper && ci.replicates.len() == 30 && ci.level == 0.9);
    }
    let plain = k.mi_label_bounds(h.view(), y.view(), None).unwrap();
    assert_eq!(a.lower.estimate, plain.lower);
    // Four far-apart tight clusters of 50: each resample's bound is the entropy of its
    // cluster proportions, at most ln 4 and (multinomial, n = 200) rarely below ln 4 − 0.05.
    let clusters =
        Array2::from_shape_fn((200, 2), |(i, t)| 50.0 * (i / 50) as f64 + 0.01 * t as f64);
    let input = k
        .input_bootstrap_ci(clusters.view(), None, 40, 0.9, 4)
        .unwrap();
    let ln4 = 4f64.ln();
    for ci in [&input.lower, &input.upper] {
        assert!((ci.estimate.nats() - ln4).abs() < 1e-9);
        assert!(
            ci.upper <= ln4 + 1e-9 && ci.lower > ln4 - 0.05,
            "{} {}",
            ci.lower,
            ci.upper
        );
    }
}

#[test]
fn bad_significance_arguments_are_refused() {
    let k = kt(0.5);
    let h = normals(11, 20, 2);
    let y = labels(12, 20, 2);
    let name = |e: EstimatorError| match e {
        EstimatorError::InvalidParameter { name, .. } => name,
        other => panic!("{other}"),
    };
    let e = k
        .label_surrogate_test(h.view(), y.view(), None, Surrogate::Permutation, 0, 1)
        .unwrap_err();
    assert_eq!(name(e), "n_surrogates");
    let kind = Surrogate::CircularShift { min_shift: 11 };
    let e = k
        .label_surrogate_test(h.view(), y.view(), None, kind, 5, 1)
        .unwrap_err();
    assert_eq!(name(e), "min_shift");
    let e = k
        .label_bootstrap_ci(h.view(), y.view(), None, 1, 0.9, 1)
        .unwrap_err();
    assert_eq!(name(e), "n_resamples");
    let e = k
        .input_bootstrap_ci(h.view(), None, 10, 1.0, 1)
        .unwrap_err();
    assert_eq!(name(e), "level");
    let short = labels(12, 19, 2);
    let e = k
        .label_surrogate_test(h.view(), short.view(), None, Surrogate::Permutation, 5, 1)
        .unwrap_err();
    assert!(matches!(e, EstimatorError::ShapeMismatch { .. }), "{e}");
}
