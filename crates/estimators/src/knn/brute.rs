//! Blocked brute-force neighbour search in the max-norm: the exact reference for the other
//! backends and the fast path in high dimensions.
//!
//! Brief overview: the rows are copied once into a contiguous row-major buffer ([`BruteForce`]);
//! query points are processed in blocks of [`QUERY_BLOCK`] (one rayon task per block) against
//! reference blocks of [`REFERENCE_BLOCK`] rows, so a reference block stays in cache while every
//! query of the block visits it. Distance evaluation stops at the first coordinate that already
//! rules the point out. Each query's result depends on that query alone, so output is
//! independent of the number of threads. Cost: `O(n² d)` time, `O(n d)` memory.
//!
//! Every query takes a Theiler window `w`: the points `j` with `|i − j| ≤ w` are not neighbours
//! of point `i` (`w = 0` excludes the point itself only).

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{Collector, KBest, KNearest, chebyshev_bounded, excluded, is_within, to_row_major};

/// Query points per parallel task.
pub const QUERY_BLOCK: usize = 32;
/// Reference rows per cache block.
pub const REFERENCE_BLOCK: usize = 256;

/// Points stored row-major for brute-force search.
#[derive(Debug, Clone)]
pub struct BruteForce {
    d: usize,
    flat: Vec<f64>,
}

impl BruteForce {
    /// Copy the rows of `data` (not validated).
    #[must_use]
    pub fn new(data: ArrayView2<'_, f64>) -> Self {
        Self {
            d: data.ncols(),
            flat: to_row_major(data),
        }
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.flat.len().checked_div(self.d).unwrap_or(0)
    }

    /// Whether there are no points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.flat[i * self.d..(i + 1) * self.d]
    }

    /// Run one collector per point over every point outside its window, in blocks; `finish`
    /// turns each collector into its output.
    pub(crate) fn collect<C, T, F>(
        &self,
        w: usize,
        make: impl Fn() -> C + Sync,
        finish: F,
    ) -> Vec<T>
    where
        C: Collector,
        T: Send + Default + Clone,
        F: Fn(&C) -> T + Sync,
    {
        let n = self.len();
        let mut out = vec![T::default(); n];
        out.par_chunks_mut(QUERY_BLOCK)
            .enumerate()
            .for_each(|(block, chunk)| {
                let q0 = block * QUERY_BLOCK;
                let mut best: Vec<C> = (0..chunk.len()).map(|_| make()).collect();
                for r0 in (0..n).step_by(REFERENCE_BLOCK) {
                    let r1 = (r0 + REFERENCE_BLOCK).min(n);
                    for (qi, kb) in best.iter_mut().enumerate() {
                        let i = q0 + qi;
                        let q = self.row(i);
                        for j in (r0..r1).filter(|&j| !excluded(i, j, w)) {
                            if let Some(dist) = chebyshev_bounded(q, self.row(j), kb.bound()) {
                                kb.offer(dist, j);
                            }
                        }
                    }
                }
                for (o, kb) in chunk.iter_mut().zip(&best) {
                    *o = finish(kb);
                }
            });
        out
    }

    /// The `k`-th neighbour distance of every point outside its window, and whether it is tied.
    pub(crate) fn kth(&self, k: usize, w: usize) -> Vec<(f64, bool)> {
        self.collect(w, || KBest::new(k), KBest::result)
    }

    /// The `k` nearest neighbours of every point outside its window (ties broken by index), and
    /// whether the `k`-th distance is tied.
    pub(crate) fn nearest(&self, k: usize, w: usize) -> Vec<(Vec<(f64, usize)>, bool)> {
        self.collect(
            w,
            || KNearest::new(k),
            |c| (c.neighbors().to_vec(), c.tied()),
        )
    }

    /// For each point `i`, the number of points outside its window within `radii[i]`.
    pub(crate) fn count(&self, radii: &[f64], strict: bool, w: usize) -> Vec<usize> {
        let n = self.len();
        let mut out = vec![0_usize; n];
        let m = n.min(radii.len());
        out[..m]
            .par_chunks_mut(QUERY_BLOCK)
            .enumerate()
            .for_each(|(block, chunk)| {
                let q0 = block * QUERY_BLOCK;
                for r0 in (0..n).step_by(REFERENCE_BLOCK) {
                    let r1 = (r0 + REFERENCE_BLOCK).min(n);
                    for (qi, count) in chunk.iter_mut().enumerate() {
                        let i = q0 + qi;
                        let (q, r) = (self.row(i), radii[i]);
                        *count += (r0..r1)
                            .filter(|&j| !excluded(i, j, w) && is_within(q, self.row(j), r, strict))
                            .count();
                    }
                }
            });
        out
    }
}

/// Distance from each row of `data` to its `k`-th nearest *other* row (max-norm). Ties count:
/// the result is the `k`-th smallest of the `n − 1` distances.
///
/// Inputs are not validated (see [`super::kth_neighbor_distances`] for the checked entry
/// point): `k = 0` gives `0` for every row and `k ≥ n` gives `+∞`.
#[must_use]
pub fn kth_neighbor_distance(data: ArrayView2<'_, f64>, k: usize) -> Vec<f64> {
    let n = data.nrows();
    if k == 0 {
        return vec![0.0; n];
    }
    BruteForce::new(data)
        .kth(k, 0)
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

/// For each row `i` of `data`, the number of *other* rows `j ≠ i` whose max-norm distance is
/// `< radii[i]` (`strict`) or `≤ radii[i]`.
///
/// Inputs are not validated (see [`super::count_within`] for the checked entry point): rows
/// beyond `radii.len()` get count `0`, and a NaN radius counts nothing.
#[must_use]
pub fn count_within(data: ArrayView2<'_, f64>, radii: &[f64], strict: bool) -> Vec<usize> {
    BruteForce::new(data).count(radii, strict, 0)
}
