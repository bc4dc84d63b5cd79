//! The traits every estimator family implements (DESIGN.md §3).
//!
//! Arguments are `(samples × dims)` views of `f64`; 1-D data is `(n, 1)`. Each trait method has
//! a distinct name so that a type implementing several of them can be called without
//! disambiguation.

use ndarray::{ArrayView2, Axis};

use crate::error::Result;
use crate::estimate::Estimate;

/// I(X;Y) from paired samples.
pub trait MutualInformation {
    /// Estimate I(X;Y) in nats from `x` (n × dx) and `y` (n × dy), rows paired.
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate>;

    /// Prepare repeated estimates of I(X; Y) with the rows of `y` reordered (surrogate data,
    /// see [`crate::significance`]). Call it after [`MutualInformation::estimate`] has accepted
    /// `x` and `y`.
    ///
    /// The default re-runs [`MutualInformation::estimate`] on every reordering. Estimators
    /// override it to keep what a reordering of Y cannot change: the binned symbols of both
    /// variables ([`crate::discrete::Binned`]), the covariance blocks of X and of Y ([`crate::gaussian::Gaussian`]),
    /// the sorted marginals or trees of X and of Y ([`crate::knn::Ksg`]).
    ///
    /// # Errors
    /// Whatever [`MutualInformation::estimate`] returns for `x` and `y` (overrides validate
    /// them here; the default when a reordering is estimated).
    fn prepare_reordering<'a>(
        &'a self,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Box<dyn ReorderedMi + 'a>>
    where
        Self: Sized + Sync,
    {
        Ok(Box::new(Rerun {
            estimator: self,
            x,
            y,
        }))
    }
}

/// Estimates of I(X; Y) on reorderings of the rows of Y, from
/// [`MutualInformation::prepare_reordering`].
pub trait ReorderedMi: Sync {
    /// I(X; Y') in nats, where row `i` of Y' is row `order[i]` of Y and `order` is a
    /// permutation of `0..n`. The value is what [`MutualInformation::estimate`] returns on
    /// `(x, y')` up to the order of floating-point sums (e.g. a z-scoring estimator
    /// standardises Y before reordering it; on data with exact ties such a last-bit
    /// difference can break a tie, which changes a kNN estimate slightly).
    ///
    /// # Errors
    /// [`crate::EstimatorError::ShapeMismatch`] unless `order` has one entry per row (it is
    /// not otherwise checked to be a permutation: surrogates are generated internally), and
    /// whatever the estimator returns on the reordered data.
    fn mi_reordered(&self, order: &[usize]) -> Result<f64>;
}

/// The default [`ReorderedMi`]: re-estimate on the reordered copy of Y.
pub(crate) struct Rerun<'a, E> {
    pub(crate) estimator: &'a E,
    pub(crate) x: ArrayView2<'a, f64>,
    pub(crate) y: ArrayView2<'a, f64>,
}

impl<E: MutualInformation + Sync> ReorderedMi for Rerun<'_, E> {
    fn mi_reordered(&self, order: &[usize]) -> Result<f64> {
        crate::validate::check_same_rows("y", self.y.nrows(), "order", order.len())?;
        let ys = self.y.select(Axis(0), order);
        Ok(self.estimator.estimate(self.x, ys.view())?.nats())
    }
}

/// I(X;Y|Z) from paired samples.
pub trait ConditionalMutualInformation {
    /// Estimate I(X;Y|Z) in nats from `x`, `y` and `z`, rows paired.
    fn estimate_conditional(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Estimate>;
}

/// Lower and upper bounds on I(X;Y) (e.g. Kolchinsky–Tracey for a noisy layer X and labels
/// Y): `lower ≤ upper`.
pub trait MiBounds {
    /// Bounds on I(X;Y) in nats from `x` (n × dx) and `y` (n × dy), rows paired.
    fn mi_bounds(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<crate::estimate::Bounds<Estimate>>;
}

/// H(X) from samples.
pub trait Entropy {
    /// Estimate the entropy of `x` (n × d) in nats.
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate>;
}
