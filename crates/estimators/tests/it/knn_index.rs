//! Oracle tier for [`NeighborIndex`]: Theiler windows, k nearest with the index tie-break, tie
//! flags and duplicate counts equal a naive sort-everything definition exactly, for every
//! backend, on continuous and heavily tied data.

use infoscope_estimators::knn::{NeighborIndex, SearchMethod};
use ndarray::{Array2, ArrayView2};

use crate::common::{dist, normals};

/// All candidates of point `i` under window `w`, sorted by (distance, index).
fn sorted_candidates(a: ArrayView2<'_, f64>, i: usize, w: usize) -> Vec<(f64, usize)> {
    let mut c: Vec<(f64, usize)> = (0..a.nrows())
        .filter(|&j| i.abs_diff(j) > w)
        .map(|j| (dist(a, i, j), j))
        .collect();
    c.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
    c
}

fn tied_data(seed: u64, n: usize, d: usize) -> Vec<(&'static str, Array2<f64>)> {
    let x = normals(seed, n, d);
    let grid = x.mapv(|v| (v * 2.0).round() / 2.0);
    let relu = x.mapv(|v| v.max(0.0));
    // A large block of identical points plus a few others: one big uniform leaf.
    let mut block = Array2::zeros((n, d));
    for i in (0..n).step_by(17) {
        block.row_mut(i).fill(i as f64 / n as f64);
    }
    vec![
        ("normal", x),
        ("grid", grid),
        ("relu", relu),
        ("block", block),
    ]
}

fn check(name: &str, a: ArrayView2<'_, f64>, ks: &[usize], windows: &[usize]) {
    let n = a.nrows();
    let methods = [
        SearchMethod::Auto,
        SearchMethod::KdTree,
        SearchMethod::BruteForce,
    ];
    let indices: Vec<NeighborIndex> = methods
        .iter()
        .map(|&m| NeighborIndex::new(a, m).unwrap())
        .collect();
    for &w in windows {
        let cands: Vec<Vec<(f64, usize)>> = (0..n).map(|i| sorted_candidates(a, i, w)).collect();
        for &k in ks {
            let ctx = format!("{name} n={n} d={} k={k} w={w}", a.ncols());
            let eps: Vec<f64> = cands.iter().map(|c| c[k - 1].0).collect();
            let tied: Vec<bool> = cands
                .iter()
                .map(|c| c.len() > k && c[k].0 == c[k - 1].0)
                .collect();
            let nearest: Vec<usize> = cands
                .iter()
                .flat_map(|c| c[..k].iter().map(|p| p.1))
                .collect();
            let strict: Vec<usize> = cands
                .iter()
                .zip(&eps)
                .map(|(c, &e)| c.iter().filter(|p| p.0 < e).count())
                .collect();
            let loose: Vec<usize> = cands
                .iter()
                .zip(&eps)
                .map(|(c, &e)| c.iter().filter(|p| p.0 <= e).count())
                .collect();
            let zero: Vec<usize> = cands
                .iter()
                .map(|c| c.iter().filter(|p| p.0 == 0.0).count())
                .collect();
            for (m, index) in methods.iter().zip(&indices) {
                let kth = index.kth_distances(k, w).unwrap();
                assert_eq!(kth.distances, eps, "{m:?} kth, {ctx}");
                assert_eq!(kth.tied, tied, "{m:?} tied, {ctx}");
                let nn = index.nearest(k, w).unwrap();
                assert_eq!(nn.indices, nearest, "{m:?} nearest, {ctx}");
                assert_eq!(nn.tied, tied, "{m:?} nearest tied, {ctx}");
                assert_eq!(
                    index.count_within(&eps, true, w).unwrap(),
                    strict,
                    "{m:?} strict count, {ctx}"
                );
                assert_eq!(
                    index.count_within(&eps, false, w).unwrap(),
                    loose,
                    "{m:?} count, {ctx}"
                );
                // The smallest positive f64 as a strict radius counts exact duplicates.
                let tiny = vec![f64::from_bits(1); n];
                assert_eq!(
                    index.count_within(&tiny, true, w).unwrap(),
                    zero,
                    "{m:?} duplicates, {ctx}"
                );
            }
        }
    }
}

#[test]
fn windows_nearest_and_ties_equal_the_naive_definition() {
    for (d, n, seed) in [(1, 120, 1), (2, 300, 2), (3, 250, 3), (5, 200, 4)] {
        for (name, a) in tied_data(seed, n, d) {
            check(name, a.view(), &[1, 3, 7], &[0, 1, 4, 20]);
        }
    }
}

#[test]
fn large_duplicate_blocks_stay_exact() {
    // 3000 identical points and 300 distinct ones: the duplicate leaf is offered k + 1 points.
    let mut a = Array2::zeros((3300, 2));
    let extra = normals(5, 300, 2);
    a.slice_mut(ndarray::s![3000.., ..]).assign(&extra);
    check("block3300", a.view(), &[3, 10], &[0, 2]);
}

#[test]
fn window_too_wide_for_k_is_refused() {
    let a = normals(6, 20, 2);
    let index = NeighborIndex::new(a.view(), SearchMethod::Auto).unwrap();
    // A point in the middle has 20 − 2·8 − 1 = 3 candidates.
    assert!(index.kth_distances(3, 8).is_ok());
    let err = index.kth_distances(4, 8).unwrap_err().to_string();
    assert!(err.contains("k = 4") && err.contains("Theiler"), "{err}");
    assert!(index.nearest(4, 8).is_err());
    assert!(index.count_within(&[1.0; 19], true, 0).is_err());
}
