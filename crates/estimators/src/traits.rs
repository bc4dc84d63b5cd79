//! The traits every estimator family implements (DESIGN.md §3).
//!
//! Arguments are `(samples × dims)` views of `f64`; 1-D data is `(n, 1)`. Each trait method has
//! a distinct name so that a type implementing several of them can be called without
//! disambiguation.

use ndarray::ArrayView2;

use crate::error::Result;
use crate::estimate::Estimate;

/// I(X;Y) from paired samples.
pub trait MutualInformation {
    /// Estimate I(X;Y) in nats from `x` (n × dx) and `y` (n × dy), rows paired.
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate>;
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

/// H(X) from samples.
pub trait Entropy {
    /// Estimate the entropy of `x` (n × d) in nats.
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate>;
}
