//! Batch KSG ([`Ksg::cross`], [`Ksg::all_pairs`]): every entry equals the single-pair estimate
//! bit for bit, whatever the thread count, on continuous and tied columns.

use infoscope_estimators::knn::{Ksg, KsgAlgorithm, Ties};
use infoscope_estimators::{EstimatorError, MutualInformation, Unit};
use ndarray::{Array2, s};

use crate::common::normals;

/// 6 columns sharing a latent factor, two of them rounded and one ReLU'd.
fn columns(seed: u64, n: usize) -> Array2<f64> {
    let e = normals(seed, n, 7);
    let f = e.column(6).to_owned();
    let mut a = Array2::zeros((n, 6));
    for c in 0..6 {
        let col = &f * (0.3 + 0.1 * c as f64) + e.column(c);
        a.column_mut(c).assign(&col);
    }
    a.column_mut(1).mapv_inplace(|v| (v * 2.0).round() / 2.0);
    a.column_mut(4).mapv_inplace(|v| v.round());
    a.column_mut(5).mapv_inplace(|v| v.max(0.0));
    a
}

fn single(est: &Ksg, a: &Array2<f64>, i: usize, b: &Array2<f64>, j: usize) -> f64 {
    est.estimate(a.slice(s![.., i..=i]), b.slice(s![.., j..=j]))
        .unwrap()
        .nats()
}

#[test]
fn all_pairs_and_cross_equal_single_estimates() {
    let a = columns(31, 700);
    let b = normals(32, 700, 3) + a.slice(s![.., 0..3]);
    for (alg, normalize, ties) in [
        (KsgAlgorithm::One, false, Ties::Gao),
        (KsgAlgorithm::Two, false, Ties::Gao),
        (KsgAlgorithm::One, true, Ties::Gao),
        (KsgAlgorithm::One, false, Ties::Jitter),
        (KsgAlgorithm::Two, true, Ties::Jitter),
    ] {
        let est = Ksg::params()
            .algorithm(alg)
            .normalize(normalize)
            .theiler(1)
            .ties(ties)
            .check()
            .unwrap();
        let all = est.all_pairs(a.view()).unwrap();
        assert_eq!(all.values.dim(), (6, 6));
        assert_eq!(all.n_samples, 700);
        for i in 0..6 {
            assert!(all.values[[i, i]].is_nan());
            for j in (i + 1)..6 {
                let want = single(&est, &a, i, &a, j);
                assert_eq!(
                    all.values[[i, j]].to_bits(),
                    want.to_bits(),
                    "{alg:?} ({i},{j})"
                );
                assert_eq!(all.values[[j, i]].to_bits(), want.to_bits());
            }
        }
        // Rounded columns 1 and 4 produce zero distances when ties are kept (jitter breaks
        // them); continuous pairs never do.
        if ties == Ties::Gao {
            assert!(all.zero_distance_fraction[[1, 4]] > 0.0);
        } else {
            assert_eq!(all.zero_distance_fraction[[1, 4]], 0.0);
        }
        assert_eq!(all.zero_distance_fraction[[0, 2]], 0.0);
        let cross = est.cross(a.view(), b.view()).unwrap();
        assert_eq!(cross.values.dim(), (6, 3));
        for i in 0..6 {
            for j in 0..3 {
                let want = single(&est, &a, i, &b, j);
                assert_eq!(
                    cross.values[[i, j]].to_bits(),
                    want.to_bits(),
                    "{alg:?} cross"
                );
            }
        }
        let bits = cross.values_in(Unit::Bits);
        assert!((bits[[0, 0]] * std::f64::consts::LN_2 - cross.values[[0, 0]]).abs() < 1e-15);
    }
}

#[test]
fn batch_results_do_not_depend_on_thread_count() {
    let a = columns(33, 1500);
    let est = Ksg::params().check().unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| est.all_pairs(a.view()).unwrap())
    };
    let (one, two, four) = (run(1), run(2), run(4));
    let bits = |m: &Array2<f64>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&one.values), bits(&two.values));
    assert_eq!(bits(&one.values), bits(&four.values));
}

/// Columns A_c = l_c F + E_c (F, E independent N(0,1)) have correlation
/// ρ_ij = l_i l_j / √((1 + l_i²)(1 + l_j²)) and I = −½ ln(1 − ρ²) (closed form). At n = 4000,
/// k = 3 the single-run sd of KSG is about 0.012 nats; asserted within 0.04 for each of the 6
/// pairs, and independent noise columns within 0.04 of 0.
#[test]
fn batch_values_match_closed_forms() {
    let n = 4000;
    let loads = [0.5, 1.0, 1.5, 2.0];
    let e = normals(34, n, 5);
    let f = e.column(4).to_owned();
    let mut a = Array2::zeros((n, 4));
    for (c, l) in loads.iter().enumerate() {
        a.column_mut(c).assign(&(&f * *l + e.column(c)));
    }
    let est = Ksg::params().check().unwrap();
    let all = est.all_pairs(a.view()).unwrap();
    for i in 0..4 {
        for j in (i + 1)..4 {
            let (li, lj) = (loads[i], loads[j]);
            let rho = li * lj / ((1.0 + li * li) * (1.0 + lj * lj)).sqrt();
            let truth = -0.5 * (1.0 - rho * rho).ln();
            let v = all.values[[i, j]];
            assert!((v - truth).abs() < 0.04, "({i},{j}): {v} vs {truth}");
        }
    }
    let noise = normals(35, n, 2);
    let m = est.cross(a.view(), noise.view()).unwrap();
    for v in m.values.iter() {
        assert!(v.abs() < 0.04, "{v}");
    }
}

#[test]
fn batch_inputs_are_checked() {
    let a = normals(36, 30, 3);
    let b = normals(37, 29, 2);
    let est = Ksg::params().check().unwrap();
    assert!(matches!(
        est.cross(a.view(), b.view()).unwrap_err(),
        EstimatorError::ShapeMismatch { .. }
    ));
    let mut bad = a.clone();
    bad[[3, 2]] = f64::INFINITY;
    assert!(matches!(
        est.all_pairs(bad.view()).unwrap_err(),
        EstimatorError::NonFinite {
            argument: "a",
            row: 3,
            col: 2,
            ..
        }
    ));
    let tiny = a.slice(s![0..3, ..]);
    assert!(matches!(
        est.all_pairs(tiny).unwrap_err(),
        EstimatorError::InvalidParameter { name: "k", .. }
    ));
    let empty = Array2::<f64>::zeros((30, 0));
    assert!(est.all_pairs(empty.view()).is_err());
    let one = a.slice(s![.., 0..1]);
    let single = est.all_pairs(one).unwrap();
    assert_eq!(single.values.dim(), (1, 1));
}
