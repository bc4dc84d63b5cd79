//! Blocked brute-force neighbour search in the max-norm: the exact reference for the other
//! backends and the fast path in high dimensions.
//!
//! Brief overview: the rows are copied once into a contiguous row-major buffer; query points are
//! processed in blocks of [`QUERY_BLOCK`] (one rayon task per block) against reference blocks of
//! [`REFERENCE_BLOCK`] rows, so a reference block stays in cache while every query of the block
//! visits it. Distance evaluation stops at the first coordinate that already rules the point
//! out. Each query's result depends on that query alone, so output is independent of the
//! number of threads. Cost: `O(n² d)` time, `O(n d)` memory.

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{KBest, chebyshev_bounded, is_within, to_row_major};

/// Query points per parallel task.
pub const QUERY_BLOCK: usize = 32;
/// Reference rows per cache block.
pub const REFERENCE_BLOCK: usize = 256;

/// Distance from each row of `data` to its `k`-th nearest *other* row (max-norm). Ties count:
/// the result is the `k`-th smallest of the `n − 1` distances.
///
/// Inputs are not validated (see [`super::kth_neighbor_distances`] for the checked entry
/// point): `k = 0` gives `0` for every row and `k ≥ n` gives `+∞`.
#[must_use]
pub fn kth_neighbor_distance(data: ArrayView2<'_, f64>, k: usize) -> Vec<f64> {
    let (n, d) = data.dim();
    if k == 0 {
        return vec![0.0; n];
    }
    if k >= n {
        return vec![f64::INFINITY; n];
    }
    let flat = to_row_major(data);
    let row = |i: usize| &flat[i * d..(i + 1) * d];
    let mut out = vec![0.0; n];
    out.par_chunks_mut(QUERY_BLOCK)
        .enumerate()
        .for_each(|(block, chunk)| {
            let q0 = block * QUERY_BLOCK;
            let mut best: Vec<KBest> = (0..chunk.len()).map(|_| KBest::new(k)).collect();
            for r0 in (0..n).step_by(REFERENCE_BLOCK) {
                let r1 = (r0 + REFERENCE_BLOCK).min(n);
                for (qi, kb) in best.iter_mut().enumerate() {
                    let i = q0 + qi;
                    let q = row(i);
                    for j in (r0..r1).filter(|&j| j != i) {
                        if let Some(dist) = chebyshev_bounded(q, row(j), kb.bound()) {
                            kb.push(dist);
                        }
                    }
                }
            }
            for (o, kb) in chunk.iter_mut().zip(&best) {
                *o = kb.bound();
            }
        });
    out
}

/// For each row `i` of `data`, the number of *other* rows `j ≠ i` whose max-norm distance is
/// `< radii[i]` (`strict`) or `≤ radii[i]`.
///
/// Inputs are not validated (see [`super::count_within`] for the checked entry point): rows
/// beyond `radii.len()` get count `0`, and a NaN radius counts nothing.
#[must_use]
pub fn count_within(data: ArrayView2<'_, f64>, radii: &[f64], strict: bool) -> Vec<usize> {
    let (n, d) = data.dim();
    let flat = to_row_major(data);
    let row = |i: usize| &flat[i * d..(i + 1) * d];
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
                    let (q, r) = (row(i), radii[i]);
                    *count += (r0..r1)
                        .filter(|&j| j != i && is_within(q, row(j), r, strict))
                        .count();
                }
            }
        });
    out
}
