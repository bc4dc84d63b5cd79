//! KSG's batch forms through the specification: entry (i, j) of [`Ksg::cross`],
//! [`Ksg::all_pairs`] and `Estimator::pairwise` is the estimate of column i as X and column j
//! as Y, bit for bit, for every setting (default, `normalize`, `noise`, both as JIDT does,
//! and algorithm 2), on tied data (values rounded to a grid of ½, so the Gao zero-distance
//! rule and the noise's tie breaking both matter), and for inputs in Fortran order or strided.
//!
//! [`Ksg::cross`]: infoscope_estimators::knn::Ksg::cross
//! [`Ksg::all_pairs`]: infoscope_estimators::knn::Ksg::all_pairs

use infoscope_estimators::knn::{Ksg, KsgAlgorithm, KsgParams, Noise, PairwiseMi};
use infoscope_estimators::spec::{Estimator, EstimatorSpec};
use infoscope_estimators::{MutualInformation, Quantity};
use ndarray::{Array2, ArrayView2, s};

use crate::common::normals;

const N: usize = 250;

/// 4 columns sharing a latent factor, rounded to a grid of ½ (ties everywhere).
fn tied(seed: u64, p: usize) -> Array2<f64> {
    let e = normals(seed, N, p + 1);
    let f = e.column(p).to_owned();
    let mut a = Array2::zeros((N, p));
    for c in 0..p {
        a.column_mut(c).assign(&(&f * 0.8 + e.column(c)));
    }
    a.mapv(|v| (v * 2.0).round() / 2.0)
}

/// The settings: default, `normalize` alone, `noise` alone, both (JIDT), and algorithm 2 with
/// both and a Theiler window.
fn settings() -> Vec<KsgParams> {
    let noise = Noise::Gaussian { std: 1e-8 };
    vec![
        Ksg::params(),
        Ksg::params().normalize(true),
        Ksg::params().noise(noise).seed(5),
        Ksg::params().jidt_compatible().seed(6),
        Ksg::params()
            .jidt_compatible()
            .algorithm(KsgAlgorithm::Two)
            .k(4)
            .theiler(1),
    ]
}

/// The estimate of column i of `a` as X and column j of `b` as Y, through the specification.
fn single(
    est: &Estimator,
    a: ArrayView2<'_, f64>,
    i: usize,
    b: ArrayView2<'_, f64>,
    j: usize,
) -> u64 {
    est.mutual_information(a.slice(s![.., i..=i]), b.slice(s![.., j..=j]))
        .unwrap()
        .point()
        .unwrap()
        .nats()
        .to_bits()
}

/// The values and zero-distance fractions, as bits (the all-pairs diagonal is NaN).
fn matrix_bits(m: &PairwiseMi) -> Vec<u64> {
    m.values
        .iter()
        .chain(&m.zero_distance_fraction)
        .map(|v| v.to_bits())
        .collect()
}

/// Inputs in three memory layouts: standard, Fortran order, and every other column of a
/// wider matrix (non-contiguous rows and columns).
fn layouts(a: &Array2<f64>) -> [Array2<f64>; 2] {
    let fortran = a.t().as_standard_layout().into_owned().reversed_axes();
    assert!(fortran.t().is_standard_layout() && !fortran.is_standard_layout());
    let mut wide = Array2::zeros((a.nrows(), 2 * a.ncols()));
    wide.slice_mut(s![.., ..;2]).assign(a);
    [fortran, wide]
}

#[test]
fn cross_entries_are_single_estimates_bit_for_bit() {
    let a = tied(61, 3);
    let b = tied(62, 2) + a.slice(s![.., 0..2]);
    for params in settings() {
        let est = EstimatorSpec::Ksg(params).check().unwrap();
        let ksg = params.check().unwrap();
        let [af, wide] = layouts(&a);
        let strided = wide.slice(s![.., ..;2]);
        for (name, view) in [
            ("standard", a.view()),
            ("fortran", af.view()),
            ("strided", strided),
        ] {
            let m = est.pairwise(view, Some(b.view())).unwrap();
            assert_eq!(
                matrix_bits(&m),
                matrix_bits(&ksg.cross(view, b.view()).unwrap()),
                "{params:?} {name}"
            );
            assert_eq!(m.values.dim(), (3, 2));
            for i in 0..3 {
                for j in 0..2 {
                    assert_eq!(
                        m.values[[i, j]].to_bits(),
                        single(&est, a.view(), i, b.view(), j),
                        "{params:?} {name} ({i},{j})"
                    );
                    // The trait path (plain views) gives the same number.
                    let direct = ksg
                        .estimate(view.slice(s![.., i..=i]), b.slice(s![.., j..=j]))
                        .unwrap();
                    assert_eq!(m.values[[i, j]].to_bits(), direct.nats().to_bits());
                }
            }
        }
    }
}

/// Above the diagonal, entry (i, j) is the estimate of column i as X and column j as Y; the
/// matrix is symmetric (the lower triangle mirrors it, as `Ksg::all_pairs` documents) with a
/// NaN diagonal.
#[test]
fn all_pairs_upper_entries_are_single_estimates_bit_for_bit() {
    let a = tied(63, 4);
    for params in settings() {
        let est = EstimatorSpec::Ksg(params).check().unwrap();
        let [af, wide] = layouts(&a);
        let strided = wide.slice(s![.., ..;2]);
        for (name, view) in [
            ("standard", a.view()),
            ("fortran", af.view()),
            ("strided", strided),
        ] {
            let m = est.pairwise(view, None).unwrap();
            let direct = params.check().unwrap().all_pairs(view).unwrap();
            assert_eq!(matrix_bits(&m), matrix_bits(&direct), "{params:?} {name}");
            assert_eq!(m.n_samples, N);
            for i in 0..4 {
                assert!(m.values[[i, i]].is_nan());
                for j in (i + 1)..4 {
                    let want = single(&est, a.view(), i, a.view(), j);
                    let ctx = format!("{params:?} {name} ({i},{j})");
                    assert_eq!(m.values[[i, j]].to_bits(), want, "{ctx}");
                    assert_eq!(m.values[[j, i]].to_bits(), want, "{ctx}");
                }
            }
        }
    }
}

/// The batch matrix is the same on 1 and 2 threads, bit for bit, with noise.
#[test]
fn pairwise_does_not_depend_on_the_thread_count() {
    let a = tied(64, 4);
    let est = EstimatorSpec::Ksg(Ksg::params().jidt_compatible())
        .check()
        .unwrap();
    let run = |t: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| {
                let m = est.pairwise(a.view(), None).unwrap();
                m.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            })
    };
    assert_eq!(run(1), run(2));
}

/// The batch form is KSG's: `Estimator::pairwise` answers for `ksg` with I(X;Y) semantics.
#[test]
fn pairwise_entries_are_mutual_information_in_nats() {
    let a = tied(65, 2);
    let est = EstimatorSpec::Ksg(Ksg::params()).check().unwrap();
    assert!(est.quantities().contains(&Quantity::MutualInformation));
    let m = est.pairwise(a.view(), None).unwrap();
    let bits = m.values_in(infoscope_estimators::Unit::Bits);
    assert_eq!(bits[[0, 1]], m.values[[0, 1]] / std::f64::consts::LN_2);
}
