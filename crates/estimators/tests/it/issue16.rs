//! Issue 16: sizes that drive an allocation are checked against the memory budget before the
//! allocation, absurd counts are refused whatever the memory, and overflowing values or noise
//! are reported as such, naming the argument or parameter at fault.
//!
//! The sizes exceed any machine's memory (terabytes), so the tests do not depend on the budget
//! of the machine that runs them and set no environment variable.

use infoscope_estimators::discrete::Binned;
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::{KozachenkoLeonenko, Ksg, Noise};
use infoscope_estimators::kt::KolchinskyTracey;
use infoscope_estimators::significance::{
    MAX_SURROGATES, Surrogate, bootstrap_ci, surrogate_orders, surrogate_test,
};
use infoscope_estimators::{
    ConditionalMutualInformation, Entropy, EstimatorError, MutualInformation,
};
use ndarray::{Array2, s};

use crate::common::{gaussian_pairs, labels, normals};

/// 10 samples of 10⁶ dimensions: a covariance of 8 TB, 5 · 10¹¹ column pairs.
fn wide() -> Array2<f64> {
    Array2::from_shape_fn((10, 1_000_000), |(i, j)| ((i * 31 + j * 17) % 97) as f64)
}

fn too_large(e: EstimatorError, expected: &str) -> String {
    match &e {
        EstimatorError::TooLarge { argument, .. } => {
            assert_eq!(*argument, expected, "{e}");
        }
        other => panic!("expected TooLarge for `{expected}`, got {other:?}"),
    }
    e.to_string()
}

fn invalid(e: EstimatorError, expected: &str) -> String {
    match &e {
        EstimatorError::InvalidParameter { name, .. } => assert_eq!(*name, expected, "{e}"),
        other => panic!("expected InvalidParameter `{expected}`, got {other:?}"),
    }
    e.to_string()
}

/// Before: faer panicked on an 80 GB (here 8 TB) allocation.
#[test]
fn issue16_gaussian_on_a_wide_array_is_too_large() {
    let x = wide();
    let y = x.slice(s![.., 0..1]);
    for ridge in [0.0, 0.1] {
        let g = Gaussian::params().ridge(ridge).check().unwrap();
        let e = g.estimate(x.view(), y).unwrap_err();
        let text = too_large(e, "x");
        assert!(
            text.contains("covariance") && text.contains("PCA"),
            "{text}"
        );
        too_large(g.entropy(x.view()).unwrap_err(), "x");
        let e = g
            .estimate_conditional(y, x.slice(s![.., 1..2]), x.view())
            .unwrap_err();
        too_large(e, "z");
    }
}

/// Before: the process aborted allocating the list of pairs.
#[test]
fn issue16_pairwise_on_a_wide_array_is_too_large() {
    let x = wide();
    let ksg = Ksg::params().check().unwrap();
    let text = too_large(ksg.all_pairs(x.view()).unwrap_err(), "a");
    assert!(text.contains("fewer columns"), "{text}");
    too_large(ksg.cross(x.view(), x.view()).unwrap_err(), "a");
}

/// Before: 10¹² surrogates aborted (orders of n × count); now counts above 10⁶ are refused
/// whatever the memory, naming the parameter and the maximum.
#[test]
fn issue16_absurd_counts_are_refused() {
    assert_eq!(MAX_SURROGATES, 1_000_000);
    let text = invalid(
        surrogate_orders(Surrogate::Permutation, 10, 1_000_000_000_000, 0).unwrap_err(),
        "n_surrogates",
    );
    assert!(text.contains("1000000"), "{text}");
    let (x, y) = gaussian_pairs(1, 40, 1, 0.5);
    let g = Gaussian::default();
    let e = surrogate_test(&g, x.view(), y.view(), Surrogate::Permutation, 1 << 40, 0);
    invalid(e.unwrap_err(), "n_surrogates");
    let e = bootstrap_ci(&g, x.view(), y.view(), 1_000_000_001, 0.9, 0);
    invalid(e.unwrap_err(), "n_resamples");
    let h = normals(2, 40, 3);
    let l = labels(3, 40, 2);
    let binned = Binned::params().check().unwrap();
    let e = binned.per_unit_test(h.view(), l.view(), Surrogate::Permutation, 1 << 40, 0);
    invalid(e.unwrap_err(), "n_surrogates");
    let kt = KolchinskyTracey::params(0.5).check().unwrap();
    let e = kt.label_surrogate_test(h.view(), l.view(), None, Surrogate::Permutation, 1 << 40, 0);
    invalid(e.unwrap_err(), "n_surrogates");
    // At the cap, the count itself is accepted.
    assert!(surrogate_orders(Surrogate::Permutation, 2, MAX_SURROGATES, 0).is_ok());
}

/// The orders of a count under the cap can still exceed memory (n × count).
#[test]
fn issue16_surrogate_orders_beyond_memory_are_too_large() {
    let e = surrogate_orders(Surrogate::Permutation, 1 << 40, MAX_SURROGATES, 0).unwrap_err();
    let text = too_large(e, "n_surrogates");
    assert!(text.contains("fewer surrogates"), "{text}");
}

/// Before: a 10⁶ × 10⁶ Gram tile was allocated.
#[test]
fn issue16_kt_tile_beyond_memory_is_too_large() {
    let h = Array2::from_shape_fn((1_000_000, 1), |(i, _)| (i % 1000) as f64);
    let kt = KolchinskyTracey::params(0.5)
        .tile(1_000_000)
        .check()
        .unwrap();
    let text = too_large(kt.entropy_bounds(h.view(), None).unwrap_err(), "tile");
    assert!(text.contains("smaller `tile`"), "{text}");
}

/// Before: values × 1e300 were reported as linearly dependent columns (not positive definite).
#[test]
fn issue16_gaussian_overflow_is_reported_as_overflow() {
    let (x, y) = gaussian_pairs(4, 50, 2, 0.5);
    let g = Gaussian::default();
    for (xs, ys, arg) in [(&x * 1e300, y.clone(), "x"), (x.clone(), &y * 1e300, "y")] {
        let e = g.estimate(xs.view(), ys.view()).unwrap_err();
        match &e {
            EstimatorError::OutOfRange { argument, detail } => {
                assert_eq!(*argument, arg);
                assert!(
                    detail.contains("overflow") && detail.contains("scale"),
                    "{e}"
                );
            }
            other => panic!("expected OutOfRange, got {other:?}"),
        }
    }
    let e = g.entropy((&x * 1e300).view()).unwrap_err();
    assert!(e.to_string().contains("overflow"), "{e}");
    // Large but representable values are fine.
    assert!(g.estimate((&x * 1e100).view(), y.view()).is_ok());
}

/// Before: `noise = 1e308` was blamed on "argument `data`" (a non-finite value after the noise).
#[test]
fn issue16_overflowing_noise_names_the_noise() {
    let (x, y) = gaussian_pairs(5, 50, 1, 0.5);
    for normalize in [false, true] {
        let ksg = Ksg::params()
            .normalize(normalize)
            .noise(Noise::Gaussian { std: 1e308 })
            .check()
            .unwrap();
        invalid(ksg.estimate(x.view(), y.view()).unwrap_err(), "noise");
        invalid(ksg.all_pairs(x.view()).unwrap_err(), "noise");
    }
    let kl = KozachenkoLeonenko::params()
        .noise(Noise::Gaussian { std: 1e308 })
        .check()
        .unwrap();
    invalid(kl.entropy(x.view()).unwrap_err(), "noise");
    // Noise of 1e307 on data of 1e307: overflow only through the sum.
    let ksg = Ksg::params()
        .noise(Noise::Gaussian { std: 1e307 })
        .check()
        .unwrap();
    invalid(
        ksg.estimate((&x * 1e307).view(), y.view()).unwrap_err(),
        "noise",
    );
    // Negative and non-finite noise levels are refused at check().
    for std in [-1.0, f64::NAN, f64::INFINITY] {
        let e = Ksg::params().noise(Noise::Gaussian { std }).check();
        invalid(e.unwrap_err(), "noise");
    }
    // Z-scoring values whose squares overflow is reported on the argument.
    let ksg = Ksg::params().normalize(true).check().unwrap();
    let e = ksg.estimate((&x * 1e300).view(), y.view()).unwrap_err();
    assert!(
        matches!(e, EstimatorError::OutOfRange { argument: "x", .. }),
        "{e:?}"
    );
}

/// Before: `unit-minmax:1000000000000` panicked (a 32-bit bin index overflowed).
#[test]
fn issue16_absurd_bin_counts_are_refused() {
    use infoscope_estimators::discrete::BinPolicy;
    let e = BinPolicy::PerUnitMinMax {
        n_bins: 1_000_000_000_000,
    }
    .check()
    .unwrap_err();
    invalid(e, "n_bins");
    let e = BinPolicy::FixedEdges {
        lo: 0.0,
        hi: 1.0,
        n_edges: 1 << 40,
    }
    .check()
    .unwrap_err();
    invalid(e, "n_edges");
}
