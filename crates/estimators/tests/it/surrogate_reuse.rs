//! Surrogate estimates that reuse work across reorderings of Y
//! (`MutualInformation::prepare_reordering`) against the plain estimator on the reordered
//! data, for every estimator and every surrogate kind.

use infoscope_estimators::discrete::{BinPolicy, Binned};
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::{Ksg, KsgAlgorithm, Noise, SearchMethod};
use infoscope_estimators::significance::{FromFn, Surrogate, surrogate_orders, surrogate_test};
use infoscope_estimators::{EstimatorError, MutualInformation};
use ndarray::{Array2, ArrayView2, Axis};

use crate::common::gaussian_pairs;

const KINDS: [Surrogate; 3] = [
    Surrogate::Permutation,
    Surrogate::CircularShift { min_shift: 10 },
    Surrogate::BlockShuffle { block: 7 },
];

/// `prepare_reordering(x, y).mi_reordered(order)` equals `estimate(x, y[order])` within `tol`
/// for 4 surrogates of each kind.
fn check<E: MutualInformation + Sync>(
    name: &str,
    e: &E,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    tol: f64,
) {
    let prepared = e.prepare_reordering(x, y).unwrap();
    for kind in KINDS {
        for order in surrogate_orders(kind, x.nrows(), 4, 11).unwrap() {
            let fast = prepared.mi_reordered(&order).unwrap();
            let ys = y.select(Axis(0), &order);
            let plain = e.estimate(x, ys.view()).unwrap().nats();
            assert!(
                (fast - plain).abs() <= tol,
                "{name} {kind:?}: reused {fast} vs plain {plain}"
            );
        }
    }
}

/// Data with ties (values rounded to 0.25) to exercise the zero-distance paths of KSG.
fn rounded(a: &Array2<f64>) -> Array2<f64> {
    a.mapv(|v| (v * 4.0).round() / 4.0)
}

#[test]
fn binned_and_gaussian_reuse_equals_re_estimation() {
    let (x, y) = gaussian_pairs(3, 300, 2, 0.6);
    for policy in [
        BinPolicy::PerUnitMinMax { n_bins: 6 },
        BinPolicy::Quantile { n_bins: 4 },
    ] {
        let b = Binned::params().policy(policy).check().unwrap();
        check("binned", &b, x.view(), y.view(), 1e-12);
    }
    check("gaussian", &Gaussian::default(), x.view(), y.view(), 1e-12);
    let ridge = Gaussian::params().ridge(0.1).check().unwrap();
    check("gaussian ridge", &ridge, x.view(), y.view(), 1e-12);
}

#[test]
fn ksg_reuse_equals_re_estimation() {
    let (x, y) = gaussian_pairs(4, 400, 2, 0.7);
    let (xr, yr) = (rounded(&x), rounded(&y));
    for algorithm in [KsgAlgorithm::One, KsgAlgorithm::Two] {
        for search in [SearchMethod::Auto, SearchMethod::BruteForce] {
            for (theiler, normalize) in [(0, false), (3, false), (0, true)] {
                let k = Ksg::params()
                    .algorithm(algorithm)
                    .search(search)
                    .theiler(theiler)
                    .normalize(normalize)
                    .check()
                    .unwrap();
                let name = format!("ksg {algorithm:?} {search:?} w={theiler} z={normalize}");
                check(&name, &k, x.view(), y.view(), 1e-12);
                // z-scoring the reordered column sums in another order; on tied data the
                // last-bit difference can break a tie, so the tied check is unnormalised.
                if !normalize {
                    check(&(name + " tied"), &k, xr.view(), yr.view(), 1e-12);
                }
            }
        }
    }
    // Noise is drawn per row: such an estimator re-runs, and still matches.
    let noisy = Ksg::params()
        .noise(Noise::Gaussian { std: 1e-3 })
        .seed(5)
        .check()
        .unwrap();
    check("ksg noisy", &noisy, x.view(), y.view(), 0.0);
}

/// The analyses' case: a 10-D layer against a discrete label (heavy ties in Y and in the joint
/// space), where algorithm 1 reorderings use the tabulated X distances; k-th distances,
/// duplicate counts and the estimate equal the indexed path's exactly.
#[test]
fn ksg_reuse_on_a_layer_and_discrete_labels() {
    let (x, y) = gaussian_pairs(7, 300, 10, 0.5);
    // Labels: 8 classes of the first coordinate of Y; a rounded layer adds joint duplicates.
    let labels = y
        .column(0)
        .mapv(|v| (v * 2.0).round().clamp(-4.0, 3.0))
        .insert_axis(Axis(1));
    for layer in [x.clone(), x.mapv(|v| v.round())] {
        // (Unnormalised: z-scoring the reordered labels sums in another order, and on tied
        // data a last-bit difference can break a tie, as in `ksg_reuse_equals_re_estimation`.)
        for k in [1, 3, 5] {
            let e = Ksg::params().k(k).check().unwrap();
            check(
                &format!("layer k={k}"),
                &e,
                layer.view(),
                labels.view(),
                0.0,
            );
        }
    }
}

/// The default (re-estimation) serves estimators without their own reuse.
#[test]
fn default_reordering_re_estimates() {
    let (x, y) = gaussian_pairs(5, 200, 1, 0.5);
    let g = Gaussian::default();
    let f = FromFn(|a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>| g.estimate(a, b));
    check("from_fn", &f, x.view(), y.view(), 0.0);
}

/// A surrogate test's null is exactly the estimator on the documented surrogate orders.
#[test]
fn surrogate_null_is_the_estimator_on_the_published_orders() {
    let (x, y) = gaussian_pairs(6, 250, 1, 0.3);
    let k = Ksg::params().check().unwrap();
    for kind in KINDS {
        let t = surrogate_test(&k, x.view(), y.view(), kind, 9, 21).unwrap();
        let orders = surrogate_orders(kind, 250, 9, 21).unwrap();
        for (v, order) in t.null.iter().zip(&orders) {
            let ys = y.select(Axis(0), order);
            assert_eq!(
                *v,
                k.estimate(x.view(), ys.view()).unwrap().nats(),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn a_wrong_order_length_is_refused() {
    let (x, y) = gaussian_pairs(7, 50, 1, 0.3);
    let k = Ksg::params().check().unwrap();
    let g = Gaussian::default();
    let b = Binned::params().check().unwrap();
    let short: Vec<usize> = (0..49).collect();
    for prepared in [
        k.prepare_reordering(x.view(), y.view()).unwrap(),
        g.prepare_reordering(x.view(), y.view()).unwrap(),
        b.prepare_reordering(x.view(), y.view()).unwrap(),
    ] {
        let err = prepared.mi_reordered(&short).unwrap_err();
        assert!(
            matches!(
                err,
                EstimatorError::ShapeMismatch {
                    argument: "order",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert!(surrogate_orders(Surrogate::Permutation, 50, 0, 1).is_err());
}

/// Binned surrogates reuse the symbols of X and Y yet equal the estimate on the reordered data
/// to the last bit (Y's symbols are renumbered as that estimate numbers them), for binned Y and
/// for labels; so a surrogate test's null does not depend on the reuse (issue 14).
#[test]
fn binned_reuse_equals_re_estimation_bit_for_bit() {
    use infoscope_estimators::discrete::YKind;
    let (x, y) = gaussian_pairs(5, 300, 2, 0.6);
    let labels = y.mapv(|v| (v * 1.5).round().clamp(-3.0, 3.0));
    for (kind, y) in [(YKind::Continuous, &y), (YKind::Labels, &labels)] {
        let b = Binned::params()
            .policy(BinPolicy::Quantile { n_bins: 4 })
            .y_kind(kind)
            .check()
            .unwrap();
        let prepared = b.prepare_reordering(x.view(), y.view()).unwrap();
        for surrogate in KINDS {
            for order in surrogate_orders(surrogate, x.nrows(), 4, 3).unwrap() {
                let fast = prepared.mi_reordered(&order).unwrap();
                let plain = b
                    .estimate(x.view(), y.select(Axis(0), &order).view())
                    .unwrap()
                    .nats();
                assert_eq!(fast.to_bits(), plain.to_bits(), "{kind:?} {surrogate:?}");
            }
        }
    }
}
