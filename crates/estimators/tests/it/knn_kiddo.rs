//! Second oracle for the neighbour engine: an independent kd-tree, the `kiddo` crate.
//!
//! The reference is `kiddo` 5.3 (dev-dependency only, `default-features = false`, no
//! features; 5.3 declares MSRV 1.85, while 6.x needs 1.89, above the workspace's 1.88), its
//! [`kiddo::ImmutableKdTree`] (bucket size 32, `u64` items) and its built-in
//! [`kiddo::Chebyshev`] metric. That metric is exact: the distance is `0` folded with `max` over
//! `|a_t − b_t|` (`dist1` is `(a − b).abs()`, `accumulate` is `max`), the same exact operations
//! infoscope performs, so the `f64` values must agree bit for bit. `kiddo` needs compile-time
//! dimensions, so the check runs for `d = 2, 3, 4`.
//!
//! For every point `i` (queried with its own coordinates, so it is among its own results at
//! distance `0`) and `k ∈ {1, 3, 7}`:
//!
//! - the `(k + 1)`-th smallest distance of `nearest_n(k + 1)` — the `k`-th smallest among the
//!   other points, ties counted, so duplicates give `0` — equals infoscope's
//!   [`kth_neighbor_distances`] (`SearchMethod::Auto`) and
//!   [`NeighborIndex::kth_distances`] (kd-tree and brute force, no Theiler window);
//! - with those distances as radii, `within_unsorted` (`≤ r`) minus the point itself equals
//!   [`count_within`] with `strict = false`, and `within_unsorted_exclusive` (`< r`) minus the
//!   point itself (present only when `r > 0`) equals `strict = true`.
//!
//! Data: seeded standard normals, and the same values rounded to a 0.5 grid (many exact
//! duplicates and many equal coordinates, so ties at the radius are common).

use std::num::NonZero;

use infoscope_estimators::knn::{
    NeighborIndex, SearchMethod, count_within, kth_neighbor_distances,
};
use kiddo::{Chebyshev, ImmutableKdTree};
use ndarray::{Array2, ArrayView2};

use crate::common::normals;

const KS: [usize; 3] = [1, 3, 7];

/// The rows of `a` as fixed-size points for `kiddo`.
fn points<const D: usize>(a: ArrayView2<'_, f64>) -> Vec<[f64; D]> {
    assert_eq!(a.ncols(), D);
    a.rows()
        .into_iter()
        .map(|r| std::array::from_fn(|t| r[t]))
        .collect()
}

/// Continuous data and the same data on a 0.5 grid (exact duplicates).
fn datasets(seed: u64, n: usize, d: usize) -> Vec<(&'static str, Array2<f64>)> {
    let x = normals(seed, n, d);
    let grid = x.mapv(|v| (v * 2.0).round() / 2.0);
    vec![("normal", x), ("grid", grid)]
}

fn check<const D: usize>(name: &str, a: ArrayView2<'_, f64>) {
    let n = a.nrows();
    let pts = points::<D>(a);
    let tree: ImmutableKdTree<f64, D> = ImmutableKdTree::new_from_slice(&pts);
    assert_eq!(tree.size(), n);
    let kd = NeighborIndex::new(a, SearchMethod::KdTree).unwrap();
    let brute = NeighborIndex::new(a, SearchMethod::BruteForce).unwrap();
    let mut duplicates = 0;
    for k in KS {
        let ctx = format!("{name} n={n} d={D} k={k}");
        let eps: Vec<f64> = pts
            .iter()
            .map(|q| {
                let nn = tree.nearest_n::<Chebyshev>(q, NonZero::new(k + 1).unwrap());
                assert_eq!(nn.len(), k + 1, "kiddo nearest_n length, {ctx}");
                assert_eq!(
                    nn[0].distance, 0.0,
                    "kiddo nearest is the point itself, {ctx}"
                );
                nn[k].distance
            })
            .collect();
        duplicates += eps.iter().filter(|&&e| e == 0.0).count();

        let auto = kth_neighbor_distances(a, k, SearchMethod::Auto).unwrap();
        assert_eq!(auto, eps, "Auto k-th distances, {ctx}");
        let tree_kth = kd.kth_distances(k, 0).unwrap().distances;
        assert_eq!(tree_kth, eps, "KdTree k-th distances, {ctx}");
        let brute_kth = brute.kth_distances(k, 0).unwrap().distances;
        assert_eq!(brute_kth, eps, "BruteForce k-th distances, {ctx}");

        let mut loose = Vec::with_capacity(n);
        let mut strict = Vec::with_capacity(n);
        for (i, (q, &r)) in pts.iter().zip(&eps).enumerate() {
            let me = u64::try_from(i).unwrap();
            let hits = tree.within_unsorted::<Chebyshev>(q, r);
            assert!(
                hits.iter().any(|h| h.item == me),
                "kiddo within misses the point itself, {ctx}"
            );
            assert!(
                hits.len() > k,
                "fewer than k others within the k-th distance, {ctx}"
            );
            loose.push(hits.len() - 1);
            let inside = tree.within_unsorted_exclusive::<Chebyshev>(q, r, false);
            assert_eq!(
                inside.iter().any(|h| h.item == me),
                r > 0.0,
                "kiddo strict within and the point itself, {ctx}"
            );
            strict.push(inside.len() - usize::from(r > 0.0));
        }
        assert_eq!(
            count_within(a, &eps, false, SearchMethod::Auto).unwrap(),
            loose,
            "Auto count ≤ r, {ctx}"
        );
        assert_eq!(
            kd.count_within(&eps, false, 0).unwrap(),
            loose,
            "KdTree count ≤ r, {ctx}"
        );
        assert_eq!(
            count_within(a, &eps, true, SearchMethod::Auto).unwrap(),
            strict,
            "Auto count < r, {ctx}"
        );
    }
    if name == "grid" {
        assert!(
            duplicates > 0,
            "the grid data set has no duplicates, {name} d={D}"
        );
    }
}

#[test]
fn kth_distances_and_counts_equal_kiddo_in_2d() {
    for (name, a) in datasets(101, 4000, 2) {
        check::<2>(name, a.view());
    }
}

#[test]
fn kth_distances_and_counts_equal_kiddo_in_3d() {
    for (name, a) in datasets(102, 3000, 3) {
        check::<3>(name, a.view());
    }
}

#[test]
fn kth_distances_and_counts_equal_kiddo_in_4d() {
    for (name, a) in datasets(103, 2500, 4) {
        check::<4>(name, a.view());
    }
}
