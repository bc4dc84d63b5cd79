//! Oracle tier for the neighbour-search engine: every fast path (kd-tree, sorted marginal,
//! `Auto`) equals blocked brute force exactly (same `f64` distances, same counts), including
//! data full of exact duplicates and radii equal to actual pairwise distances.

use infoscope_estimators::EstimatorError;
use infoscope_estimators::knn::{
    self, Backend, KdTree, SearchMethod, SortedMarginal, brute, count_within,
    kth_neighbor_distances,
};
use ndarray::{Array2, ArrayView2, array, s};
use proptest::prelude::*;

use crate::common::{dist, normals, permutation};

/// Max-norm distance, written independently of the library.
/// The datasets of the oracle tier: continuous, and three kinds with many exact ties.
fn datasets(seed: u64, n: usize, d: usize) -> Vec<(&'static str, Array2<f64>)> {
    let x = normals(seed, n, d);
    let grid = x.mapv(|v| (v * 2.0).round() / 2.0);
    let mut zero_col = x.clone();
    zero_col.column_mut(0).fill(0.0);
    let relu = x.mapv(|v| v.max(0.0));
    vec![
        ("normal", x),
        ("grid", grid),
        ("zero_column", zero_col),
        ("relu", relu),
    ]
}

/// Naive O(n² log n) k-th neighbour distances, for checking the brute-force reference itself.
fn naive_kth(a: ArrayView2<'_, f64>, k: usize) -> Vec<f64> {
    let n = a.nrows();
    (0..n)
        .map(|i| {
            let mut ds: Vec<f64> = (0..n).filter(|&j| j != i).map(|j| dist(a, i, j)).collect();
            ds.sort_by(f64::total_cmp);
            ds[k - 1]
        })
        .collect()
}

/// Naive counts.
fn naive_count(a: ArrayView2<'_, f64>, radii: &[f64], strict: bool) -> Vec<usize> {
    let n = a.nrows();
    (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| {
                    let dd = dist(a, i, j);
                    j != i
                        && if strict {
                            dd < radii[i]
                        } else {
                            dd <= radii[i]
                        }
                })
                .count()
        })
        .collect()
}

/// Check every fast path against brute force on one matrix; `ks` are the neighbour orders.
fn check_all_paths(name: &str, x: ArrayView2<'_, f64>, ks: &[usize], seed: u64) {
    let (n, d) = x.dim();
    let tree = KdTree::new(x).unwrap();
    let sorted = (d == 1).then(|| SortedMarginal::from_column(x, 0).unwrap());
    // Radii that are actual pairwise distances to a random other point.
    let perm = permutation(seed, n);
    let pair_radii: Vec<f64> = (0..n)
        .map(|i| dist(x, i, if perm[i] == i { (i + 1) % n } else { perm[i] }))
        .collect();
    for &k in ks {
        let ctx = format!("{name} n={n} d={d} k={k}");
        let reference = brute::kth_neighbor_distance(x, k);
        assert_eq!(
            tree.kth_neighbor_distances(k),
            reference,
            "kd-tree kth, {ctx}"
        );
        // `Auto` is checked where it does not resolve to brute force itself.
        let auto = SearchMethod::Auto.backend(n, d) != Backend::BruteForce;
        if auto {
            let got = kth_neighbor_distances(x, k, SearchMethod::Auto).unwrap();
            assert_eq!(got, reference, "auto kth, {ctx}");
        }
        if let Some(sm) = &sorted {
            assert_eq!(sm.kth_neighbor_distances(k), reference, "sorted kth, {ctx}");
        }
        for radii in [&reference, &pair_radii] {
            for strict in [true, false] {
                let expected = brute::count_within(x, radii, strict);
                let got = tree.count_within_all(radii, strict).unwrap();
                assert_eq!(got, expected, "kd-tree count strict={strict}, {ctx}");
                if auto {
                    let got = count_within(x, radii, strict, SearchMethod::Auto).unwrap();
                    assert_eq!(got, expected, "auto count strict={strict}, {ctx}");
                }
                if let Some(sm) = &sorted {
                    let got = sm.count_within_all(radii, strict).unwrap();
                    assert_eq!(got, expected, "sorted count strict={strict}, {ctx}");
                }
            }
        }
        // k-th neighbour radii are attained: non-strict counts are at least k, strict fewer.
        let strict = tree.count_within_all(&reference, true).unwrap();
        let loose = tree.count_within_all(&reference, false).unwrap();
        for i in 0..n {
            assert!(
                strict[i] < k && loose[i] >= k,
                "radius semantics, {ctx}, point {i}"
            );
        }
    }
}

#[test]
fn brute_force_matches_naive_definition() {
    for (name, x) in datasets(1, 120, 3) {
        for k in [1, 3, 7] {
            let reference = naive_kth(x.view(), k);
            assert_eq!(
                brute::kth_neighbor_distance(x.view(), k),
                reference,
                "{name} k={k}"
            );
            for strict in [true, false] {
                assert_eq!(
                    brute::count_within(x.view(), &reference, strict),
                    naive_count(x.view(), &reference, strict),
                    "{name} k={k} strict={strict}"
                );
            }
        }
    }
}

#[test]
fn fast_paths_equal_brute_force_small_and_medium() {
    for (seed, &d) in [1_usize, 2, 3, 5, 8, 16].iter().enumerate() {
        for n in [50, 500] {
            for (name, x) in datasets(10 + seed as u64, n, d) {
                check_all_paths(name, x.view(), &[1, 3, 7], seed as u64);
            }
        }
    }
}

#[test]
fn fast_paths_equal_brute_force_large() {
    for (seed, &d) in [1_usize, 2, 3, 5, 8, 16].iter().enumerate() {
        // One k per matrix (rotating through 1, 3, 7) keeps the test fast.
        for (i, (name, x)) in datasets(100 + seed as u64, 2000, d).into_iter().enumerate() {
            check_all_paths(name, x.view(), &[[1, 3, 7][(i + seed) % 3]], seed as u64);
        }
    }
}

#[test]
fn forced_methods_agree_and_auto_picks_by_shape() {
    assert_eq!(SearchMethod::Auto.backend(1000, 1), Backend::Sorted);
    assert_eq!(SearchMethod::Auto.backend(1000, 4), Backend::KdTree);
    assert_eq!(SearchMethod::Auto.backend(40, 4), Backend::BruteForce);
    assert_eq!(SearchMethod::Auto.backend(1000, 64), Backend::BruteForce);
    assert_eq!(SearchMethod::KdTree.backend(10, 64), Backend::KdTree);
    assert_eq!(
        SearchMethod::BruteForce.backend(1000, 1),
        Backend::BruteForce
    );
    for d in [1, 3, 12] {
        let x = normals(7, 300, d).mapv(|v| (v * 4.0).round() / 4.0);
        let radii = brute::kth_neighbor_distance(x.view(), 4);
        let methods = [
            SearchMethod::Auto,
            SearchMethod::KdTree,
            SearchMethod::BruteForce,
        ];
        for m in methods {
            assert_eq!(
                kth_neighbor_distances(x.view(), 4, m).unwrap(),
                radii,
                "{m:?} d={d}"
            );
            for strict in [true, false] {
                assert_eq!(
                    count_within(x.view(), &radii, strict, m).unwrap(),
                    brute::count_within(x.view(), &radii, strict),
                    "{m:?} d={d} strict={strict}"
                );
            }
        }
    }
}

#[test]
fn non_contiguous_views_and_column_subsets() {
    let x = normals(3, 400, 6).mapv(|v| (v * 2.0).round() / 2.0);
    let every_other = x.slice(s![.., ..;2]);
    let transposed = x.t().to_owned();
    let transposed_back = transposed.t();
    let owned = every_other.to_owned();
    let reference = brute::kth_neighbor_distance(owned.view(), 3);
    assert_eq!(brute::kth_neighbor_distance(every_other, 3), reference);
    assert_eq!(
        KdTree::new(every_other).unwrap().kth_neighbor_distances(3),
        reference
    );
    assert_eq!(
        KdTree::new(transposed_back)
            .unwrap()
            .kth_neighbor_distances(3),
        brute::kth_neighbor_distance(x.view(), 3)
    );
    let col = x.slice(s![.., 4..5]);
    let sm = SortedMarginal::from_column(x.view(), 4).unwrap();
    assert_eq!(
        sm.kth_neighbor_distances(2),
        brute::kth_neighbor_distance(col, 2)
    );
    let sm1 = SortedMarginal::new(x.column(4)).unwrap();
    assert_eq!(sm1.sorted_values(), sm.sorted_values());
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let x = normals(5, 1500, 4).mapv(|v| (v * 2.0).round() / 2.0);
    let x1 = normals(6, 1500, 1).mapv(|v| v.max(0.0));
    let x20 = normals(8, 600, 20);
    let run = || {
        let mut out = Vec::new();
        for data in [x.view(), x1.view(), x20.view()] {
            for m in [
                SearchMethod::Auto,
                SearchMethod::KdTree,
                SearchMethod::BruteForce,
            ] {
                let eps = kth_neighbor_distances(data, 3, m).unwrap();
                let counts = count_within(data, &eps, true, m).unwrap();
                out.push((eps, counts));
            }
        }
        out
    };
    let pool = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
    };
    let one = pool(1).install(run);
    let two = pool(2).install(run);
    assert_eq!(one, two);
}

#[test]
fn single_queries_match_batch_and_brute_force() {
    let x = normals(9, 300, 3).mapv(|v| (v * 2.0).round() / 2.0);
    let tree = KdTree::new(x.view()).unwrap();
    assert_eq!((tree.len(), tree.dim()), (300, 3));
    assert!(!tree.is_empty() && tree.node_count() > 1);
    let eps = tree.kth_neighbor_distances(5);
    let counts = tree.count_within_all(&eps, false).unwrap();
    for i in [0, 17, 299] {
        assert_eq!(tree.kth_neighbor_distance_of(i, 5).unwrap(), eps[i]);
        let row = x.row(i).to_vec();
        assert_eq!(
            tree.kth_neighbor_distance(&row, 5, Some(i)).unwrap(),
            eps[i]
        );
        // Without exclusion the point itself is its own nearest neighbour at distance 0.
        assert_eq!(tree.kth_neighbor_distance(&row, 1, None).unwrap(), 0.0);
        assert_eq!(tree.count_within_of(i, eps[i], false).unwrap(), counts[i]);
        assert_eq!(
            tree.count_within(&row, eps[i], false, Some(i)).unwrap(),
            counts[i]
        );
        assert_eq!(
            tree.count_within(&row, eps[i], false, None).unwrap(),
            counts[i] + 1
        );
    }
    // An outside query point against a brute-force scan of all rows.
    let q = [0.25, -0.5, 1.0];
    let qm = Array2::from_shape_vec((1, 3), q.to_vec()).unwrap();
    let mut ds: Vec<f64> = x
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .zip(qm.row(0))
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max)
        })
        .collect();
    ds.sort_by(f64::total_cmp);
    for k in [1, 4, 300] {
        assert_eq!(tree.kth_neighbor_distance(&q, k, None).unwrap(), ds[k - 1]);
    }
    for r in [ds[0], ds[10], ds[150], 0.0, f64::INFINITY] {
        assert_eq!(
            tree.count_within(&q, r, true, None).unwrap(),
            ds.iter().filter(|&&v| v < r).count()
        );
        assert_eq!(
            tree.count_within(&q, r, false, None).unwrap(),
            ds.iter().filter(|&&v| v <= r).count()
        );
    }
    // Sorted marginal single queries.
    let sm = SortedMarginal::from_column(x.view(), 1).unwrap();
    let col = x.slice(s![.., 1..2]);
    let eps1 = brute::kth_neighbor_distance(col, 2);
    let c1 = brute::count_within(col, &eps1, true);
    assert_eq!(sm.len(), 300);
    for i in [0, 123, 299] {
        assert_eq!(sm.kth_neighbor_distance_of(i, 2).unwrap(), eps1[i]);
        assert_eq!(sm.count_within_of(i, eps1[i], true).unwrap(), c1[i]);
    }
    assert_eq!(sm.count_within(0.0, f64::INFINITY, false), 300);
}

#[test]
fn hand_computed_example() {
    let x = array![[0.0, 0.0], [1.0, 0.5], [0.0, 2.0], [3.0, 3.0], [3.0, 3.0]];
    for m in [
        SearchMethod::Auto,
        SearchMethod::KdTree,
        SearchMethod::BruteForce,
    ] {
        assert_eq!(
            kth_neighbor_distances(x.view(), 1, m).unwrap(),
            vec![1.0, 1.0, 1.5, 0.0, 0.0]
        );
        assert_eq!(
            kth_neighbor_distances(x.view(), 2, m).unwrap(),
            vec![2.0, 1.5, 2.0, 2.5, 2.5]
        );
        let r = [1.0, 1.0, 1.5, 0.0, 0.0];
        assert_eq!(
            count_within(x.view(), &r, true, m).unwrap(),
            vec![0, 0, 0, 0, 0]
        );
        assert_eq!(
            count_within(x.view(), &r, false, m).unwrap(),
            vec![1, 1, 1, 1, 1]
        );
    }
    // 1-D with duplicates: sorted marginal, kd-tree and brute force.
    let y = array![[1.0], [1.0], [2.0], [4.0], [1.0]];
    for m in [
        SearchMethod::Auto,
        SearchMethod::KdTree,
        SearchMethod::BruteForce,
    ] {
        assert_eq!(
            kth_neighbor_distances(y.view(), 2, m).unwrap(),
            vec![0.0, 0.0, 1.0, 3.0, 0.0]
        );
        let r = [0.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(
            count_within(y.view(), &r, true, m).unwrap(),
            vec![0, 2, 0, 0, 3]
        );
        assert_eq!(
            count_within(y.view(), &r, false, m).unwrap(),
            vec![2, 3, 3, 1, 4]
        );
    }
}

#[test]
fn bad_inputs_give_typed_errors() {
    let x = normals(2, 20, 3);
    for m in [
        SearchMethod::Auto,
        SearchMethod::KdTree,
        SearchMethod::BruteForce,
    ] {
        for k in [0, 20, 25] {
            let err = kth_neighbor_distances(x.view(), k, m).unwrap_err();
            assert!(
                matches!(err, EstimatorError::InvalidParameter { name: "k", .. }),
                "k={k}: {err}"
            );
        }
        let err = count_within(x.view(), &[1.0; 19], true, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::ShapeMismatch {
                argument: "radii",
                expected: 20,
                got: 19,
                ..
            }
        ));
        let mut bad = vec![1.0; 20];
        bad[3] = f64::NAN;
        let err = count_within(x.view(), &bad, true, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::InvalidParameter { name: "radii", .. }
        ));
        bad[3] = -1.0;
        let err = count_within(x.view(), &bad, true, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::InvalidParameter { name: "radii", .. }
        ));
        let mut nan = x.clone();
        nan[[4, 2]] = f64::NAN;
        let err = kth_neighbor_distances(nan.view(), 3, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NonFinite { row: 4, col: 2, .. }
        ));
        let err = count_within(nan.view(), &[1.0; 20], false, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NonFinite { row: 4, col: 2, .. }
        ));
        let one = array![[1.0, 2.0]];
        let err = kth_neighbor_distances(one.view(), 1, m).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::TooFewSamples {
                needed: 2,
                got: 1,
                ..
            }
        ));
        let empty = Array2::<f64>::zeros((0, 3));
        let err = count_within(empty.view(), &[], false, m).unwrap_err();
        assert!(matches!(err, EstimatorError::Empty { .. }));
    }
    let tree = KdTree::new(x.view()).unwrap();
    assert!(matches!(
        tree.kth_neighbor_distance(&[0.0, 1.0], 1, None)
            .unwrap_err(),
        EstimatorError::ShapeMismatch {
            argument: "point",
            expected: 3,
            got: 2,
            ..
        }
    ));
    assert!(matches!(
        tree.kth_neighbor_distance(&[0.0, f64::INFINITY, 1.0], 1, None)
            .unwrap_err(),
        EstimatorError::NonFinite {
            argument: "point",
            col: 1,
            ..
        }
    ));
    assert!(matches!(
        tree.kth_neighbor_distance_of(20, 1).unwrap_err(),
        EstimatorError::InvalidParameter { name: "index", .. }
    ));
    assert!(matches!(
        tree.kth_neighbor_distance_of(0, 20).unwrap_err(),
        EstimatorError::InvalidParameter { name: "k", .. }
    ));
    assert!(matches!(
        tree.count_within(&[0.0; 3], 1.0, true, Some(99))
            .unwrap_err(),
        EstimatorError::InvalidParameter { name: "index", .. }
    ));
    let sm = SortedMarginal::from_column(x.view(), 0).unwrap();
    assert!(matches!(
        sm.kth_neighbor_distance_of(0, 0).unwrap_err(),
        EstimatorError::InvalidParameter { name: "k", .. }
    ));
    assert!(matches!(
        SortedMarginal::from_column(x.view(), 3).unwrap_err(),
        EstimatorError::InvalidParameter { name: "col", .. }
    ));
    // The unchecked brute-force reference never panics on out-of-range k.
    assert_eq!(brute::kth_neighbor_distance(x.view(), 0), vec![0.0; 20]);
    assert_eq!(
        brute::kth_neighbor_distance(x.view(), 20),
        vec![f64::INFINITY; 20]
    );
    assert_eq!(knn::AUTO_KDTREE_MAX_DIM, 10);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Small integer-valued data (heavy ties) in a few dimensions: kd-tree and sorted marginal
    /// equal brute force for every k and both radius kinds.
    #[test]
    fn kdtree_equals_brute_force_on_tied_data(
        (n, d, values) in (2_usize..90, 1_usize..5).prop_flat_map(|(n, d)| {
            (Just(n), Just(d), proptest::collection::vec(-3_i32..4, n * d))
        }),
        k_frac in 0.0_f64..1.0,
    ) {
        let x = Array2::from_shape_vec((n, d), values.iter().map(|&v| f64::from(v) * 0.5).collect())
            .unwrap();
        let k = 1 + ((n - 1) as f64 * k_frac) as usize % (n - 1);
        let reference = brute::kth_neighbor_distance(x.view(), k);
        let tree = KdTree::new(x.view()).unwrap();
        prop_assert_eq!(&tree.kth_neighbor_distances(k), &reference);
        for strict in [true, false] {
            let expected = brute::count_within(x.view(), &reference, strict);
            prop_assert_eq!(&tree.count_within_all(&reference, strict).unwrap(), &expected);
            if d == 1 {
                let sm = SortedMarginal::from_column(x.view(), 0).unwrap();
                prop_assert_eq!(&sm.count_within_all(&reference, strict).unwrap(), &expected);
                prop_assert_eq!(&sm.kth_neighbor_distances(k), &reference);
            }
        }
    }
}
