//! The k-th neighbour distance in a 2-D joint space of two 1-D variables, by scanning a strip
//! of the sorted first variable: the fast path of KSG for 1+1 dimensions (one neuron against
//! the stimulus, neuron × neuron).
//!
//! Brief overview: with x sorted once ([`SortedMarginal`], shared by every pair the variable
//! takes part in) and y laid out in the same order, the neighbours of the point at sorted
//! position `p` are found by offering the `k` positions on each side of `p`, which gives a
//! finite bound, then scanning right and left while `|Δx|` is within the bound: every point
//! whose max-norm distance is within the final bound lies in that strip. The distance of each
//! candidate is `max(|Δx|, |Δy|)`, the same exact operations as the other backends, so results
//! (distances and tie flags) are identical to theirs. The scan visits about `√(n k)` points for
//! independent variables and fewer for dependent ones; long runs of equal x values would make
//! it quadratic, so [`StripSearch::suitable`] refuses x marginals with a run longer than
//! [`MAX_RUN`] and the caller uses the kd-tree instead.

use rayon::prelude::*;

use super::{Collector, KBest, SortedMarginal, excluded};

/// Longest run of equal x values for which the strip scan is used.
pub const MAX_RUN: usize = 32;

/// Largest n for which the strip scan is used: above it the √(n k) strip costs more than the
/// kd-tree's logarithmic search (measured crossover, see CHANGELOG).
pub const MAX_POINTS: usize = 200_000;

/// The strip search over a sorted x marginal.
pub(crate) struct StripSearch<'a> {
    x: &'a SortedMarginal,
}

impl<'a> StripSearch<'a> {
    /// The strip search over `x`, if its longest run of equal values is at most [`MAX_RUN`]
    /// and it has at most [`MAX_POINTS`] points.
    pub(crate) fn suitable(x: &'a SortedMarginal) -> Option<Self> {
        let s = x.sorted_values();
        if s.len() > MAX_POINTS {
            return None;
        }
        let mut run = 1;
        for w in s.windows(2) {
            run = if w[0] == w[1] { run + 1 } else { 1 };
            if run > MAX_RUN {
                return None;
            }
        }
        Some(Self { x })
    }

    /// For every point `i` (original order): the `k`-th smallest max-norm distance in the
    /// (x, y) plane to the points `j` with `|i − j| > w`, and whether it is tied. `y[i]` is the
    /// second coordinate of point `i`.
    pub(crate) fn kth(&self, y: &[f64], k: usize, w: usize) -> Vec<(f64, bool)> {
        let xs = self.x.sorted_values();
        let order = self.x.order();
        let ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
        let n = xs.len();
        let by_position: Vec<(f64, bool)> = (0..n)
            .into_par_iter()
            .map(|p| {
                let (x, yv, i) = (xs[p], ys[p], order[p]);
                let mut best = KBest::new(k);
                let offer = |q: usize, best: &mut KBest| {
                    let j = order[q];
                    if !excluded(i, j, w) {
                        best.offer((xs[q] - x).abs().max((ys[q] - yv).abs()), j);
                    }
                };
                let (lo, hi) = (p.saturating_sub(k), (p + k + 1).min(n));
                for q in lo..hi {
                    offer(q, &mut best);
                }
                let mut q = hi;
                while q < n && xs[q] - x <= best.bound() {
                    offer(q, &mut best);
                    q += 1;
                }
                let mut q = lo;
                while q > 0 && x - xs[q - 1] <= best.bound() {
                    offer(q - 1, &mut best);
                    q -= 1;
                }
                best.result()
            })
            .collect();
        self.x.to_original(&by_position)
    }
}
