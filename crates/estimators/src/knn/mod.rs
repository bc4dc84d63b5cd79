//! Exact neighbour search in the max-norm (Chebyshev distance), the engine under the
//! Kraskov–Stögbauer–Grassberger and Kozachenko–Leonenko estimators (SPEC.md §1.3).
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
pub mod kdtree;
mod kl;
mod ksg;
mod prepare;
pub mod sorted;

pub use kdtree::KdTree;
pub use kl::{KozachenkoLeonenko, KozachenkoLeonenkoParams};
pub use ksg::{Ksg, KsgParams};
pub use prepare::Noise;
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
    let (n, d) = data.dim();
    check_k(k, n)?;
    Ok(match method.backend(n, d) {
        Backend::Sorted => SortedMarginal::from_column(data, 0)?.kth_neighbor_distances(k),
        Backend::KdTree => KdTree::new(data)?.kth_neighbor_distances(k),
        Backend::BruteForce => brute::kth_neighbor_distance(data, k),
    })
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
    let (n, d) = data.dim();
    check_radii(radii, n)?;
    Ok(match method.backend(n, d) {
        Backend::Sorted => SortedMarginal::from_column(data, 0)?.count_within_all(radii, strict)?,
        Backend::KdTree => KdTree::new(data)?.count_within_all(radii, strict)?,
        Backend::BruteForce => brute::count_within(data, radii, strict),
    })
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

/// The `k` smallest distances seen so far, in ascending order.
#[derive(Debug, Clone)]
pub(crate) struct KBest {
    k: usize,
    best: Vec<f64>,
}

impl KBest {
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            best: Vec::with_capacity(k + 1),
        }
    }

    /// The current `k`-th smallest distance, `+∞` while fewer than `k` were seen.
    #[inline]
    pub(crate) fn bound(&self) -> f64 {
        if self.best.len() < self.k {
            f64::INFINITY
        } else {
            self.best.last().copied().unwrap_or(f64::INFINITY)
        }
    }

    /// Offer a distance; kept if it is among the `k` smallest.
    #[inline]
    pub(crate) fn push(&mut self, dist: f64) {
        if self.k == 0 || (self.best.len() == self.k && dist >= self.bound()) {
            return;
        }
        let at = self.best.partition_point(|&b| b <= dist);
        self.best.insert(at, dist);
        self.best.truncate(self.k);
    }
}

/// Copy `data` into a contiguous row-major buffer.
pub(crate) fn to_row_major(data: ArrayView2<'_, f64>) -> Vec<f64> {
    match data.as_slice() {
        Some(s) => s.to_vec(),
        None => data.iter().copied().collect(),
    }
}
