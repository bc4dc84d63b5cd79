//! Significance and uncertainty of the Kolchinsky–Tracey estimates: surrogate tests of I(T;Y)
//! that reuse the pairwise distances across relabelings, and bootstrap intervals of both
//! bounds.
//!
//! A relabeling leaves $L(v)$ (the H(T) term) unchanged and changes only which pairs share a
//! class, so every surrogate is evaluated on the same sweep over the Gram tiles
//! (`LABELINGS_PER_PASS` surrogates per sweep) instead of recomputing all distances.

use ndarray::{ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use super::KolchinskyTracey;
use crate::budget::{bytes_of, check_memory};
use crate::error::Result;
use crate::estimate::{Bounds, Estimate};
use crate::significance::{
    BootstrapCi, Surrogate, SurrogateTest, check_bootstrap, check_surrogate, percentile_ci,
    resample, stream, summarise, surrogate_order,
};

impl KolchinskyTracey {
    /// Test I(T;Y) > 0 for both estimates of [`KolchinskyTracey::mi_label_bounds`] against
    /// `n_surrogates` relabelings of `y` (surrogate `s` reorders the labels as
    /// [`crate::significance::surrogate_test`] reorders Y; the weights stay with the rows of
    /// `h`). The estimates are returned unchanged.
    ///
    /// # Errors
    /// As [`KolchinskyTracey::mi_label_bounds`]; [`crate::EstimatorError::InvalidParameter`]
    /// for `n_surrogates` = 0 (or above [`crate::significance::MAX_SURROGATES`]) or a
    /// surrogate that does not fit the number of rows; [`crate::EstimatorError::TooLarge`]
    /// named `n_surrogates` when the relabelings would not fit the memory budget.
    pub fn label_surrogate_test(
        &self,
        h: ArrayView2<'_, f64>,
        y: ArrayView1<'_, i64>,
        weights: Option<ArrayView1<'_, f64>>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Bounds<SurrogateTest>> {
        let (c, groups) = self.checked_labels(h, y, weights)?;
        let n = h.nrows();
        check_surrogate(kind, n, n_surrogates)?;
        check_memory(
            "n_surrogates",
            &format!("the labels of {n_surrogates} relabelings of {n} rows"),
            bytes_of(n_surrogates as u128 * n as u128, size_of::<u32>()),
            "use fewer surrogates",
        )?;
        let observed = self.mi_label_bounds(h, y, weights)?;
        let relabelings: Vec<Vec<u32>> = (0..n_surrogates)
            .map(|s| {
                let order = surrogate_order(kind, n, &mut stream(seed, s));
                order.iter().map(|&o| groups.ids[o]).collect()
            })
            .collect();
        let values = self.label_values(h, &c, &relabelings);
        let lower = values.iter().map(|v| v[0]).collect();
        let upper = values.iter().map(|v| v[1]).collect();
        Ok(Bounds {
            lower: summarise(observed.lower, lower),
            upper: summarise(observed.upper, upper),
        })
    }

    /// Bootstrap percentile intervals of both I(T;Y) estimates: `n_resamples` resamples of the
    /// rows (with their labels and weights) with replacement.
    ///
    /// # Errors
    /// As [`KolchinskyTracey::mi_label_bounds`];
    /// [`crate::EstimatorError::InvalidParameter`] named `n_resamples` (fewer than 2) or
    /// `level` (outside (0, 1)).
    pub fn label_bootstrap_ci(
        &self,
        h: ArrayView2<'_, f64>,
        y: ArrayView1<'_, i64>,
        weights: Option<ArrayView1<'_, f64>>,
        n_resamples: usize,
        level: f64,
        seed: u64,
    ) -> Result<Bounds<BootstrapCi>> {
        check_bootstrap(n_resamples, level)?;
        let observed = self.mi_label_bounds(h, y, weights)?;
        self.bootstrap(observed, h.nrows(), n_resamples, level, seed, |rows| {
            let w = weights.map(|w| w.select(Axis(0), rows));
            self.mi_label_bounds(
                h.select(Axis(0), rows).view(),
                y.select(Axis(0), rows).view(),
                w.as_ref().map(|w| w.view()),
            )
        })
    }

    /// Bootstrap percentile intervals of both I(X;T) bounds of
    /// [`KolchinskyTracey::mi_input_bounds`]. A resample repeats rows, and repeated rows act
    /// as one mixture component with their summed weight.
    ///
    /// # Errors
    /// As [`KolchinskyTracey::label_bootstrap_ci`].
    pub fn input_bootstrap_ci(
        &self,
        h: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, f64>>,
        n_resamples: usize,
        level: f64,
        seed: u64,
    ) -> Result<Bounds<BootstrapCi>> {
        check_bootstrap(n_resamples, level)?;
        let observed = self.mi_input_bounds(h, weights)?;
        self.bootstrap(observed, h.nrows(), n_resamples, level, seed, |rows| {
            let w = weights.map(|w| w.select(Axis(0), rows));
            self.mi_input_bounds(h.select(Axis(0), rows).view(), w.as_ref().map(|w| w.view()))
        })
    }

    /// Both bounds on `n_resamples` resamples, in parallel (resample `s` from `stream(seed, s)`).
    fn bootstrap(
        &self,
        observed: Bounds<Estimate>,
        n: usize,
        n_resamples: usize,
        level: f64,
        seed: u64,
        bounds: impl Fn(&[usize]) -> Result<Bounds<Estimate>> + Sync,
    ) -> Result<Bounds<BootstrapCi>> {
        let reps: Vec<[f64; 2]> = (0..n_resamples)
            .into_par_iter()
            .map(|s| {
                let b = bounds(&resample(&mut stream(seed, s), n))?;
                Ok([b.lower.nats(), b.upper.nats()])
            })
            .collect::<Result<_>>()?;
        Ok(Bounds {
            lower: percentile_ci(observed.lower, reps.iter().map(|r| r[0]).collect(), level),
            upper: percentile_ci(observed.upper, reps.iter().map(|r| r[1]).collect(), level),
        })
    }
}
