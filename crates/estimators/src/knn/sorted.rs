//! A 1-D marginal sorted once, answering neighbour queries by binary search.
//!
//! Brief overview: [`SortedMarginal`] keeps the values in ascending order and each point's rank.
//! Counting within a radius is two `partition_point` searches whose predicates evaluate
//! `|x − v|` exactly as the other backends do, so counts agree exactly with brute force for
//! strict and non-strict radii, ties included. The `k`-th neighbour distance walks outwards
//! from the point's rank (`O(k)` per query). Build: `O(n log n)`.

use ndarray::{ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use super::{check_k, check_radii, within};
use crate::error::{EstimatorError, Result};
use crate::validate::check_matrix;

/// A sorted 1-D marginal (one value per point).
#[derive(Debug, Clone)]
pub struct SortedMarginal {
    /// Values in ascending order.
    values: Vec<f64>,
    /// `rank[i]` is the position of point `i` in `values`.
    rank: Vec<usize>,
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
        order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
        let mut rank = vec![0; raw.len()];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos;
        }
        let values = order.iter().map(|&i| raw[i]).collect();
        Self { values, rank }
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

    /// Walk outwards from sorted position `p`, taking the nearer side `k` times.
    fn kth_at_rank(&self, p: usize, k: usize) -> f64 {
        let s = &self.values;
        let x = s[p];
        let (mut left, mut right) = (p, p + 1); // next candidates: left − 1 and right
        let mut dist = f64::INFINITY;
        for _ in 0..k {
            let dl = left.checked_sub(1).map(|l| x - s[l]);
            let dr = s.get(right).map(|&v| v - x);
            dist = match (dl, dr) {
                (Some(a), Some(b)) if a <= b => {
                    left -= 1;
                    a
                }
                (_, Some(b)) => {
                    right += 1;
                    b
                }
                (Some(a), None) => {
                    left -= 1;
                    a
                }
                (None, None) => return f64::INFINITY,
            };
        }
        dist
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
        Ok(self
            .rank
            .par_iter()
            .zip(radii.par_iter())
            .map(|(&p, &r)| self.count_excluding_self(self.values[p], r, strict))
            .collect())
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
