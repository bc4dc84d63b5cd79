//! A 1-D marginal sorted once, answering neighbour queries by binary search.
//!
//! Brief overview: [`SortedMarginal`] keeps the values in ascending order and each point's rank.
//! Counting within a radius is two `partition_point` searches whose predicates evaluate
//! `|x − v|` exactly as the other backends do, so counts agree exactly with brute force for
//! strict and non-strict radii, ties included. The `k`-th neighbour distance walks outwards
//! from the point's rank (`O(k)` per query). Build: `O(n log n)`.

use ndarray::{ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use super::{Collector, KBest, check_k, check_radii, excluded, window, within};
use crate::error::{EstimatorError, Result};
use crate::validate::check_matrix;

/// A sorted 1-D marginal (one value per point).
#[derive(Debug, Clone)]
pub struct SortedMarginal {
    /// Values in ascending order.
    values: Vec<f64>,
    /// `rank[i]` is the position of point `i` in `values`.
    rank: Vec<usize>,
    /// `order[p]` is the point at position `p` (the inverse of `rank`).
    order: Vec<usize>,
}

impl SortedMarginal {
    /// Sort the values of a 1-D marginal.
    ///
    /// # Errors
    /// [`EstimatorError::Empty`] or [`EstimatorError::NonFinite`] (argument `values`).
    pub fn new(values: ArrayView1<'_, f64>) -> Result<Self> {
        let column = values.insert_axis(Axis(1));
        check_matrix("values", column, 1)?;
        Ok(Self::build(values.iter().copied().collect()))
    }

    /// Sort column `col` of `data` (rows are points).
    ///
    /// # Errors
    /// [`EstimatorError::Empty`] or [`EstimatorError::NonFinite`] (argument `data`);
    /// [`EstimatorError::InvalidParameter`] named `col` if the column does not exist.
    pub fn from_column(data: ArrayView2<'_, f64>, col: usize) -> Result<Self> {
        check_matrix("data", data, 1)?;
        if col >= data.ncols() {
            return Err(EstimatorError::InvalidParameter {
                name: "col",
                reason: format!("column {col} does not exist (data has {})", data.ncols()),
            });
        }
        Ok(Self::build(data.column(col).iter().copied().collect()))
    }

    fn build(raw: Vec<f64>) -> Self {
        let mut order: Vec<usize> = (0..raw.len()).collect();
        // A stable sort under a total order has one result, whatever the thread count.
        if raw.len() < super::ksg::PARALLEL_MIN {
            order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
        } else {
            order.par_sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
        }
        let mut rank = vec![0; raw.len()];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos;
        }
        let values = order.iter().map(|&i| raw[i]).collect();
        Self {
            values,
            rank,
            order,
        }
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no points (never, for a successfully built marginal).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values in ascending order.
    #[must_use]
    pub fn sorted_values(&self) -> &[f64] {
        &self.values
    }

    /// Number of points `v` (all of them, no exclusion) with `|x − v| < r` (`strict`) or
    /// `≤ r`. A NaN `x` or `r` counts nothing.
    #[must_use]
    pub fn count_within(&self, x: f64, r: f64, strict: bool) -> usize {
        if x.is_nan() || r.is_nan() {
            return 0;
        }
        let s = &self.values;
        // Points below x that are too far form a prefix; so do the points up to the far end.
        let lo = s.partition_point(|&v| v < x && !within(x - v, r, strict));
        let hi = s.partition_point(|&v| v < x || within(v - x, r, strict));
        hi.saturating_sub(lo)
    }

    /// Number of *other* points within `r` of point `index` (`< r` if `strict`, else `≤ r`).
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `index` if it is out of range.
    pub fn count_within_of(&self, index: usize, r: f64, strict: bool) -> Result<usize> {
        let x = self.value_of(index)?;
        Ok(self.count_excluding_self(x, r, strict))
    }

    fn count_excluding_self(&self, x: f64, r: f64, strict: bool) -> usize {
        let all = self.count_within(x, r, strict);
        all - usize::from(all > 0 && within(0.0, r, strict))
    }

    /// Distance from point `index` to its `k`-th nearest other point (ties count).
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `index` if it is out of range, or named `k`
    /// unless `1 ≤ k < n`.
    pub fn kth_neighbor_distance_of(&self, index: usize, k: usize) -> Result<f64> {
        self.value_of(index)?;
        check_k(k, self.len())?;
        Ok(self.kth_at_rank(self.rank[index], k))
    }

    /// The `k`-th neighbour distance of the point at sorted position `p` (itself excluded).
    fn kth_at_rank(&self, p: usize, k: usize) -> f64 {
        let mut best = KBest::new(k);
        self.walk(p, 0, &mut best);
        best.bound()
    }

    /// Offer the points around sorted position `p` to `best`, nearest first, skipping the
    /// points `j` with `|i − j| ≤ w` (`i` the point at `p`), until the next one is farther than
    /// the `k`-th distance found; one point at exactly that distance is still offered, to record
    /// a tie, and the walk stops there (so long runs of equal values cost nothing extra).
    fn walk(&self, p: usize, w: usize, best: &mut KBest) {
        let s = &self.values;
        let i = self.order[p];
        let x = s[p];
        let (mut left, mut right) = (p, p + 1); // next candidates: left − 1 and right
        loop {
            let dl = left.checked_sub(1).map(|l| x - s[l]);
            let dr = s.get(right).map(|&v| v - x);
            let (dist, q) = match (dl, dr) {
                (Some(a), Some(b)) if a <= b => {
                    left -= 1;
                    (a, left)
                }
                (_, Some(b)) => {
                    right += 1;
                    (b, right - 1)
                }
                (Some(a), None) => {
                    left -= 1;
                    (a, left)
                }
                (None, None) => return,
            };
            let bound = best.bound();
            if dist > bound {
                return;
            }
            if !excluded(i, self.order[q], w) {
                best.offer(dist, q);
                if dist == bound {
                    return;
                }
            }
        }
    }

    /// For every point `i` (original order, parallel): the `k`-th smallest distance to the
    /// points `j` with `|i − j| > w`, and whether another such point lies at that distance.
    pub(crate) fn kth_windowed(&self, k: usize, w: usize) -> Vec<(f64, bool)> {
        self.rank
            .par_iter()
            .map(|&p| {
                let mut best = KBest::new(k);
                self.walk(p, w, &mut best);
                best.result()
            })
            .collect()
    }

    /// For every point `i`, the number of points `j` with `|i − j| > w` within `radii[i]`
    /// (radii not validated).
    ///
    /// Queries run in sorted order and search outwards from each point's own position
    /// (galloping, then binary search), so the cost is `O(log count)` per point and memory is
    /// read almost sequentially.
    pub(crate) fn count_windowed(&self, radii: &[f64], strict: bool, w: usize) -> Vec<usize> {
        let by_position: Vec<usize> = (0..self.len())
            .into_par_iter()
            .map(|p| {
                let i = self.order[p];
                let r = radii[i];
                let all = self.count_around(p, r, strict);
                let inside = if w == 0 {
                    usize::from(within(0.0, r, strict))
                } else {
                    let x = self.values[p];
                    window(i, w, self.len())
                        .filter(|&j| within((x - self.values[self.rank[j]]).abs(), r, strict))
                        .count()
                };
                all.saturating_sub(inside)
            })
            .collect();
        self.to_original(&by_position)
    }

    /// Number of values `v` (itself included) with `|x − v|` within `r`, `x` the value at
    /// position `p`: the same predicates as [`Self::count_within`], located by galloping from
    /// `p`.
    fn count_around(&self, p: usize, r: f64, strict: bool) -> usize {
        let s = &self.values;
        let x = s[p];
        if r.is_nan() || !within(0.0, r, strict) {
            return 0; // not even the point itself is within r
        }
        // Upper end: the first position after p whose value is too far above x.
        let far_above = |v: f64| !within(v - x, r, strict);
        let hi = {
            let (mut lo, mut step) = (p + 1, 1_usize);
            let mut hi = s.len();
            while lo < s.len() {
                let probe = (p + step).min(s.len() - 1);
                if far_above(s[probe]) {
                    hi = probe;
                    break;
                }
                lo = probe + 1;
                step *= 2;
            }
            lo + s[lo..hi].partition_point(|&v| !far_above(v))
        };
        // Lower end: the first position at or before p whose value is close enough below x.
        let far_below = |v: f64| !within(x - v, r, strict);
        let lo = {
            let (mut top, mut step) = (p, 1_usize); // positions >= top are within
            let mut bottom = 0;
            while top > 0 {
                let probe = p.saturating_sub(step);
                if far_below(s[probe]) {
                    bottom = probe + 1;
                    break;
                }
                top = probe;
                step *= 2;
            }
            bottom + s[bottom..top].partition_point(|&v| far_below(v))
        };
        hi - lo
    }

    /// The `k`-th neighbour distance of every point, in the original order (parallel).
    /// `k = 0` gives `0` and `k ≥ n` gives `+∞` for every point.
    #[must_use]
    pub fn kth_neighbor_distances(&self, k: usize) -> Vec<f64> {
        if k == 0 {
            return vec![0.0; self.len()];
        }
        self.rank
            .par_iter()
            .map(|&p| self.kth_at_rank(p, k))
            .collect()
    }

    /// For every point `i`, the number of other points within `radii[i]` (parallel).
    ///
    /// # Errors
    /// [`EstimatorError::ShapeMismatch`] unless there is one radius per point;
    /// [`EstimatorError::InvalidParameter`] named `radii` for a NaN or negative radius.
    pub fn count_within_all(&self, radii: &[f64], strict: bool) -> Result<Vec<usize>> {
        check_radii(radii, self.len())?;
        Ok(self.count_windowed(radii, strict, 0))
    }

    /// Reorder per-position results (sorted order) into the original point order.
    pub(crate) fn to_original<T: Copy + Send + Sync>(&self, by_position: &[T]) -> Vec<T> {
        self.rank.par_iter().map(|&p| by_position[p]).collect()
    }

    /// The value of point `i` (`i < n`).
    pub(crate) fn value(&self, i: usize) -> f64 {
        self.values[self.rank[i]]
    }

    fn value_of(&self, index: usize) -> Result<f64> {
        self.rank
            .get(index)
            .map(|&p| self.values[p])
            .ok_or_else(|| EstimatorError::InvalidParameter {
                name: "index",
                reason: format!("point {index} does not exist (n = {})", self.len()),
            })
    }
}
