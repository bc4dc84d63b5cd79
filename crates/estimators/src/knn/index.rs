//! [`NeighborIndex`]: one searchable point set, built once and queried many times, with the
//! backend chosen by [`SearchMethod`] and an optional Theiler window on every query.

use ndarray::ArrayView2;

use super::brute::BruteForce;
use super::{Backend, KdTree, SearchMethod, SortedMarginal, check_k_window, check_radii};
use crate::error::Result;
use crate::validate::check_matrix;

/// The `k`-th neighbour distances of every point, and which are tied.
#[derive(Debug, Clone, PartialEq)]
pub struct KthNeighbors {
    /// `distances[i]`: the `k`-th smallest max-norm distance from point `i` to the points
    /// outside its window.
    pub distances: Vec<f64>,
    /// `tied[i]`: whether another point outside the window lies at exactly `distances[i]` (more
    /// than `k` points within `≤ distances[i]`), so the set of `k` nearest is not unique.
    pub tied: Vec<bool>,
}

/// The `k` nearest neighbours of every point.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestNeighbors {
    /// The number of neighbours per point.
    pub k: usize,
    /// Row `i` (entries `i·k .. (i+1)·k`): the neighbours of point `i`, nearest first; among
    /// equal distances the lower index comes first, so the set is the same for every backend.
    pub indices: Vec<usize>,
    /// `tied[i]`: whether a point left out lies at exactly the `k`-th distance.
    pub tied: Vec<bool>,
}

impl NearestNeighbors {
    /// The neighbours of point `i`.
    #[must_use]
    pub fn of(&self, i: usize) -> &[usize] {
        &self.indices[i * self.k..(i + 1) * self.k]
    }
}

#[derive(Debug, Clone)]
enum Inner {
    Sorted(SortedMarginal),
    Tree(KdTree),
    Brute(BruteForce),
}

/// A point set prepared for exact max-norm neighbour queries (rows are points).
///
/// Every query takes a Theiler window `w` (Theiler 1986): for point `i`, the points `j` with
/// `|i − j| ≤ w` are not neighbours, which removes the temporal correlation of neighbouring
/// samples of a time series. `w = 0` excludes the point itself only.
///
/// ```
/// use infoscope_estimators::knn::{NeighborIndex, SearchMethod};
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [1.5], [4.0], [4.25]];
/// let index = NeighborIndex::new(x.view(), SearchMethod::Auto)?;
/// assert_eq!(index.kth_distances(1, 0)?.distances, vec![1.0, 0.5, 0.5, 0.25, 0.25]);
/// // With a window of 1, point 2 may not use points 1 and 3.
/// assert_eq!(index.kth_distances(1, 1)?.distances[2], 1.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct NeighborIndex {
    n: usize,
    backend: Backend,
    inner: Inner,
}

impl NeighborIndex {
    /// Prepare the rows of `data` with the backend `method` picks for its shape.
    ///
    /// # Errors
    /// [`crate::EstimatorError::Empty`] or [`crate::EstimatorError::NonFinite`] for `data`.
    pub fn new(data: ArrayView2<'_, f64>, method: SearchMethod) -> Result<Self> {
        check_matrix("data", data, 1)?;
        let (n, d) = data.dim();
        let backend = method.backend(n, d);
        let inner = match backend {
            Backend::Sorted => Inner::Sorted(SortedMarginal::from_column(data, 0)?),
            Backend::KdTree => Inner::Tree(KdTree::new(data)?),
            Backend::BruteForce => Inner::Brute(BruteForce::new(data)),
        };
        Ok(Self { n, backend, inner })
    }

    /// The backend in use.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no points (never, for a successfully built index).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The `k`-th neighbour distance of every point outside its Theiler window `w`.
    ///
    /// # Errors
    /// [`crate::EstimatorError::InvalidParameter`] named `k` unless `1 ≤ k` and
    /// `k + 2w < n`.
    pub fn kth_distances(&self, k: usize, w: usize) -> Result<KthNeighbors> {
        check_k_window(k, self.n, w)?;
        let pairs = match &self.inner {
            Inner::Sorted(s) => s.kth_windowed(k, w),
            Inner::Tree(t) => t.kth_windowed(k, w),
            Inner::Brute(b) => b.kth(k, w),
        };
        let (distances, tied) = pairs.into_iter().unzip();
        Ok(KthNeighbors { distances, tied })
    }

    /// The `k` nearest neighbours of every point outside its Theiler window `w`, ties broken by
    /// the lower index (a 1-D index answers through a kd-tree built for the purpose).
    ///
    /// # Errors
    /// [`crate::EstimatorError::InvalidParameter`] named `k` unless `1 ≤ k` and
    /// `k + 2w < n`.
    pub fn nearest(&self, k: usize, w: usize) -> Result<NearestNeighbors> {
        check_k_window(k, self.n, w)?;
        let lists = match &self.inner {
            Inner::Sorted(s) => {
                let column = ndarray::Array2::from_shape_fn((self.n, 1), |(i, _)| s.value(i));
                KdTree::new(column.view())?.nearest_windowed(k, w)
            }
            Inner::Tree(t) => t.nearest_windowed(k, w),
            Inner::Brute(b) => b.nearest(k, w),
        };
        let mut indices = Vec::with_capacity(self.n * k);
        let mut tied = Vec::with_capacity(self.n);
        for (list, t) in lists {
            indices.extend(list.iter().map(|&(_, j)| j));
            tied.push(t);
        }
        Ok(NearestNeighbors { k, indices, tied })
    }

    /// For every point `i`, the number of points outside its Theiler window `w` within
    /// `radii[i]`: distance `< radii[i]` if `strict`, else `≤ radii[i]`.
    ///
    /// # Errors
    /// [`crate::EstimatorError::ShapeMismatch`] unless there is one radius per point;
    /// [`crate::EstimatorError::InvalidParameter`] named `radii` for a NaN or negative radius.
    pub fn count_within(&self, radii: &[f64], strict: bool, w: usize) -> Result<Vec<usize>> {
        check_radii(radii, self.n)?;
        Ok(match &self.inner {
            Inner::Sorted(s) => s.count_windowed(radii, strict, w),
            Inner::Tree(t) => t.count_windowed(radii, strict, w),
            Inner::Brute(b) => b.count(radii, strict, w),
        })
    }
}
