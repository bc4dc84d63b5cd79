//! Exact neighbour search in the max-norm (Chebyshev distance), the engine under the
//! Kraskov–Stögbauer–Grassberger and Kozachenko–Leonenko estimators (SPEC.md §1.3) and Ross's
//! discrete–continuous estimator ([`Ross`], for I(X;Y) with Y a class label).
//!
//! Brief overview: points are the rows of an `n × d` matrix (`d` chosen at run time); the
//! distance between rows `a` and `b` is `max_t |a_t − b_t|` over the columns of the view given
//! (select columns with ndarray slicing to search a marginal space). Two queries are answered,
//! for every point at once:
//!
//! - [`kth_neighbor_distances`]: the distance from each point to its `k`-th nearest *other*
//!   point. Ties count: it is the `k`-th smallest of the `n − 1` distances, so exact duplicates
//!   give distance `0`.
//! - [`count_within`]: for each point `i`, the number of *other* points `j ≠ i` with distance
//!   `< radii[i]` (`strict`) or `≤ radii[i]`.
//!
//! # Backends
//!
//! - [`brute`]: blocked brute force over rows, the reference and the high-dimensional path.
//! - [`kdtree`]: a runtime-dimension kd-tree ([`KdTree`]) with bounding boxes, which adds whole
//!   subtrees that lie inside the ball and prunes those outside.
//! - [`sorted`]: a sorted 1-D marginal ([`SortedMarginal`]) answering by binary search.
//!
//! [`SearchMethod::Auto`] picks the sorted marginal for `d = 1`, the kd-tree for `d ≤ 10` with
//! more than 64 points and brute force otherwise ([`SearchMethod::backend`]). Every backend
//! computes each distance the same way (`(a − b).abs()` per coordinate, then the maximum, both
//! exact operations on the same operands) and prunes only with exact comparisons, so all
//! backends return *identical* `f64` distances and counts. Work is split over query points with
//! rayon; each query's result is independent of the others, so output does not depend on the
//! number of threads.
//!
//! ```
//! use infoscope_estimators::knn::{count_within, kth_neighbor_distances, SearchMethod};
//! use ndarray::array;
//!
//! let x = array![[0.0, 0.0], [1.0, 0.5], [0.0, 2.0], [3.0, 3.0]];
//! let eps = kth_neighbor_distances(x.view(), 1, SearchMethod::Auto)?;
//! assert_eq!(eps, vec![1.0, 1.0, 1.5, 2.5]);
//! let n = count_within(x.view(), &eps, false, SearchMethod::Auto)?;
//! assert_eq!(n, vec![1, 1, 1, 1]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod brute;
mod hyperparams;
mod index;
pub mod kdtree;
mod kl;
mod ksg;
mod method;
mod mixed;
mod pairwise;
mod prepare;
mod reorder;
pub mod sorted;

pub use hyperparams::{KozachenkoLeonenko, KozachenkoLeonenkoParams, Ksg, KsgAlgorithm, KsgParams};
pub use index::{KthNeighbors, NearestNeighbors, NeighborIndex};
pub use kdtree::KdTree;
pub use mixed::{Ross, RossParams};
pub use pairwise::PairwiseMi;
pub use prepare::{Noise, TIE_JITTER, Ties};
pub use sorted::SortedMarginal;

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::{EstimatorError, Result, ensure_param};
use crate::validate::check_matrix;

/// Largest dimension for which [`SearchMethod::Auto`] uses the kd-tree.
pub const AUTO_KDTREE_MAX_DIM: usize = 10;
/// Smallest number of points (exclusive) for which [`SearchMethod::Auto`] uses the kd-tree.
pub const AUTO_KDTREE_MIN_POINTS: usize = 64;

/// Which neighbour-search backend to use. All backends give identical results; they differ in
/// speed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMethod {
    /// Choose by shape: see [`SearchMethod::backend`].
    #[default]
    Auto,
    /// Always the kd-tree ([`KdTree`]).
    KdTree,
    /// Always blocked brute force ([`brute`]).
    BruteForce,
}

/// The backend actually used for a search (the resolution of a [`SearchMethod`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Sorted 1-D marginal with binary search ([`SortedMarginal`]).
    Sorted,
    /// kd-tree ([`KdTree`]).
    KdTree,
    /// Blocked brute force ([`brute`]).
    BruteForce,
}

impl SearchMethod {
    /// The backend used for `n` points in `d` dimensions: forced methods map to themselves;
    /// `Auto` gives [`Backend::Sorted`] for `d = 1`, [`Backend::KdTree`] for
    /// `d ≤` [`AUTO_KDTREE_MAX_DIM`] and `n >` [`AUTO_KDTREE_MIN_POINTS`], else
    /// [`Backend::BruteForce`].
    #[must_use]
    pub fn backend(self, n: usize, d: usize) -> Backend {
        match self {
            Self::KdTree => Backend::KdTree,
            Self::BruteForce => Backend::BruteForce,
            Self::Auto if d == 1 => Backend::Sorted,
            Self::Auto if d <= AUTO_KDTREE_MAX_DIM && n > AUTO_KDTREE_MIN_POINTS => Backend::KdTree,
            Self::Auto => Backend::BruteForce,
        }
    }
}

/// Distance from every row of `data` to its `k`-th nearest other row (max-norm; ties count, so
/// duplicates give `0`).
///
/// # Errors
/// [`EstimatorError::Empty`], [`EstimatorError::TooFewSamples`] (fewer than 2 rows) or
/// [`EstimatorError::NonFinite`] for `data`; [`EstimatorError::InvalidParameter`] named `k`
/// unless `1 ≤ k < n`.
pub fn kth_neighbor_distances(
    data: ArrayView2<'_, f64>,
    k: usize,
    method: SearchMethod,
) -> Result<Vec<f64>> {
    check_matrix("data", data, 2)?;
    check_k(k, data.nrows())?;
    Ok(NeighborIndex::new(data, method)?
        .kth_distances(k, 0)?
        .distances)
}

/// For every row `i` of `data`, the number of other rows `j ≠ i` within `radii[i]` (max-norm):
/// distance `< radii[i]` if `strict`, `≤ radii[i]` otherwise.
///
/// # Errors
/// [`EstimatorError::Empty`] or [`EstimatorError::NonFinite`] for `data`;
/// [`EstimatorError::ShapeMismatch`] unless `radii` has one entry per row;
/// [`EstimatorError::InvalidParameter`] named `radii` for a NaN or negative radius (`+∞` is
/// allowed and counts every other point).
pub fn count_within(
    data: ArrayView2<'_, f64>,
    radii: &[f64],
    strict: bool,
    method: SearchMethod,
) -> Result<Vec<usize>> {
    check_matrix("data", data, 1)?;
    check_radii(radii, data.nrows())?;
    NeighborIndex::new(data, method)?.count_within(radii, strict, 0)
}

/// `1 ≤ k` and every point keeps at least `k` candidates outside its Theiler window `w`
/// (`k + 2w < n`).
pub(crate) fn check_k_window(k: usize, n: usize, w: usize) -> Result<()> {
    if w == 0 {
        return check_k(k, n);
    }
    ensure_param!(
        k >= 1,
        "k",
        "k = {k}: the neighbour order must be at least 1"
    );
    ensure_param!(
        k.saturating_add(w.saturating_mul(2)) < n,
        "k",
        "k = {k} with a Theiler window of {w} needs n > k + 2·{w}, got n = {n} (a point in the \
         middle has only n − 2w − 1 candidates)"
    );
    Ok(())
}

/// `1 ≤ k < n`.
pub(crate) fn check_k(k: usize, n: usize) -> Result<()> {
    ensure_param!(
        k >= 1,
        "k",
        "k = {k}: the neighbour order must be at least 1"
    );
    ensure_param!(
        k < n,
        "k",
        "k = {k}: needs k < n = {n} (each point has only n − 1 other points)"
    );
    Ok(())
}

/// One radius per point, none NaN or negative.
pub(crate) fn check_radii(radii: &[f64], n: usize) -> Result<()> {
    if radii.len() != n {
        return Err(EstimatorError::ShapeMismatch {
            argument: "radii",
            other: "data",
            what: "entries",
            expected: n,
            got: radii.len(),
        });
    }
    if let Some((i, r)) = radii
        .iter()
        .enumerate()
        .find(|(_, r)| r.is_nan() || **r < 0.0)
    {
        return Err(EstimatorError::InvalidParameter {
            name: "radii",
            reason: format!("radii[{i}] = {r}: radii must be non-negative and not NaN"),
        });
    }
    Ok(())
}

/// Whether a distance lies within radius `r`.
#[inline]
pub(crate) fn within(dist: f64, r: f64, strict: bool) -> bool {
    if strict { dist < r } else { dist <= r }
}

/// Max-norm distance between `a` and `b`.
#[inline]
pub(crate) fn chebyshev(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0_f64, |m, (x, y)| m.max((x - y).abs()))
}

/// Max-norm distance between `a` and `b` if it is at most `bound`, else `None` (stops at the
/// first coordinate that exceeds the bound).
#[inline]
pub(crate) fn chebyshev_bounded(a: &[f64], b: &[f64], bound: f64) -> Option<f64> {
    let mut m = 0.0_f64;
    for (x, y) in a.iter().zip(b) {
        let t = (x - y).abs();
        if t > bound {
            return None;
        }
        m = m.max(t);
    }
    Some(m)
}

/// Whether the max-norm distance between `a` and `b` is within `r` (stops early).
#[inline]
pub(crate) fn is_within(a: &[f64], b: &[f64], r: f64, strict: bool) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| within((x - y).abs(), r, strict))
}

/// A query's candidate collector: keeps the nearest points offered so far.
pub(crate) trait Collector {
    /// The distance beyond which an offered point cannot change the result (`+∞` until `k`
    /// points were offered). Points at exactly this distance must still be offered: they can
    /// tie.
    fn bound(&self) -> f64;
    /// Offer the point with original index `index` at distance `dist`.
    fn offer(&mut self, dist: f64, index: usize);
    /// The number of neighbours kept (`k`).
    fn capacity(&self) -> usize;
}

/// The `k` smallest distances seen so far, in ascending order, and whether some other point
/// offered lies at exactly the `k`-th distance (a tie).
#[derive(Debug, Clone)]
pub(crate) struct KBest {
    k: usize,
    best: Vec<f64>,
    tied: bool,
}

impl KBest {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            best: Vec::with_capacity(k + 1),
            tied: false,
        }
    }

    /// The `k`-th smallest distance (`+∞` while fewer than `k` were seen) and whether a point
    /// outside the `k` lies at that same distance.
    pub(crate) fn result(&self) -> (f64, bool) {
        (self.bound(), self.tied)
    }
}

impl Collector for KBest {
    #[inline]
    fn bound(&self) -> f64 {
        if self.best.len() < self.k {
            f64::INFINITY
        } else {
            self.best.last().copied().unwrap_or(f64::INFINITY)
        }
    }

    fn capacity(&self) -> usize {
        self.k
    }

    #[inline]
    fn offer(&mut self, dist: f64, _index: usize) {
        if self.k == 0 {
            return;
        }
        if self.best.len() == self.k {
            let bound = self.bound();
            if dist >= bound {
                self.tied |= dist == bound;
                return;
            }
        }
        let at = self.best.partition_point(|&b| b <= dist);
        self.best.insert(at, dist);
        if self.best.len() > self.k {
            let out = self.best.pop().unwrap_or(f64::INFINITY);
            self.tied = self.best.last() == Some(&out);
        }
    }
}

/// The `k` nearest points seen so far as `(distance, index)`, ordered by distance and then by
/// index, so that ties are broken the same way by every backend; and whether a point left out
/// lies at exactly the `k`-th distance.
#[derive(Debug, Clone)]
pub(crate) struct KNearest {
    k: usize,
    best: Vec<(f64, usize)>,
    tied: bool,
}

impl KNearest {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            best: Vec::with_capacity(k + 1),
            tied: false,
        }
    }

    /// The neighbours, nearest first.
    pub(crate) fn neighbors(&self) -> &[(f64, usize)] {
        &self.best
    }

    /// Whether a point left out lies at exactly the `k`-th distance.
    pub(crate) fn tied(&self) -> bool {
        self.tied
    }
}

impl Collector for KNearest {
    #[inline]
    fn bound(&self) -> f64 {
        if self.best.len() < self.k {
            f64::INFINITY
        } else {
            self.best.last().map_or(f64::INFINITY, |b| b.0)
        }
    }

    fn capacity(&self) -> usize {
        self.k
    }

    #[inline]
    fn offer(&mut self, dist: f64, index: usize) {
        if self.k == 0 {
            return;
        }
        let before = |b: &(f64, usize)| b.0 < dist || (b.0 == dist && b.1 < index);
        if self.best.len() == self.k && self.best.last().is_some_and(before) {
            self.tied |= dist == self.bound();
            return;
        }
        let at = self.best.partition_point(before);
        self.best.insert(at, (dist, index));
        if self.best.len() > self.k {
            let out = self.best.pop().map_or(f64::INFINITY, |b| b.0);
            self.tied = self.best.last().map(|b| b.0) == Some(out);
        }
    }
}

/// Whether point `j` is excluded from the neighbours of point `i` under a Theiler window `w`:
/// `|i − j| ≤ w` (with `w = 0`, the point itself only).
#[inline]
pub(crate) fn excluded(i: usize, j: usize, w: usize) -> bool {
    i.abs_diff(j) <= w
}

/// The indices `j` in `0..n` with `|i − j| ≤ w` (the points a Theiler window excludes).
#[inline]
pub(crate) fn window(i: usize, w: usize, n: usize) -> std::ops::RangeInclusive<usize> {
    i.saturating_sub(w)..=i.saturating_add(w).min(n.saturating_sub(1))
}

/// Copy `data` into a contiguous row-major buffer.
pub(crate) fn to_row_major(data: ArrayView2<'_, f64>) -> Vec<f64> {
    match data.as_slice() {
        Some(s) => s.to_vec(),
        None => data.iter().copied().collect(),
    }
}
