//! Surrogate tests of every unit of a layer at once: which units carry information about the
//! labels, with Benjamini–Hochberg control of the false-discovery rate over the units.

use ndarray::{ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::binned::Binned;
use super::per_unit::PerUnitMi;
use crate::budget::{bytes_of, check_memory};
use crate::error::Result;
use crate::significance::{Surrogate, benjamini_hochberg, mean_std, p_value, surrogate_orders};
use crate::validate::check_same_rows;

/// The result of [`Binned::per_unit_test`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerUnitTest {
    /// The estimates on the data, exactly as [`Binned::per_unit`] returns them.
    pub mi: PerUnitMi,
    /// How the labels were decoupled from the layer.
    pub surrogate: Surrogate,
    /// Number of surrogates.
    pub n_surrogates: usize,
    /// `(1 + #{surrogates ≥ observed}) / (N + 1)` for each unit.
    pub p_values: Vec<f64>,
    /// Benjamini–Hochberg adjusted p-values over the units: a unit is significant at FDR α
    /// when `q_values[j] ≤ α`.
    pub q_values: Vec<f64>,
    /// Mean of each unit's null, nats.
    pub null_mean: Vec<f64>,
    /// Sample standard deviation of each unit's null, nats.
    pub null_std: Vec<f64>,
}

impl PerUnitTest {
    /// The units significant at false-discovery rate `alpha`.
    #[must_use]
    pub fn significant(&self, alpha: f64) -> Vec<usize> {
        (0..self.q_values.len())
            .filter(|&j| self.q_values[j] <= alpha)
            .collect()
    }
}

impl Binned {
    /// [`Binned::per_unit`] with a surrogate test of every unit: surrogate `s` reorders the
    /// labels by [`surrogate_orders`]`(kind, n, n_surrogates, seed)[s]`, the same reordering for
    /// all units, and re-runs the per-unit pass (binning is per value, so the symbols are the
    /// same; the pass recounts the tables). The p-values are then adjusted over the units by
    /// Benjamini–Hochberg.
    ///
    /// # Errors
    /// As [`Binned::per_unit`]; [`crate::EstimatorError::InvalidParameter`] for
    /// `n_surrogates` = 0 (or above [`crate::significance::MAX_SURROGATES`]) or a surrogate
    /// that does not fit the number of rows; [`crate::EstimatorError::TooLarge`] named
    /// `n_surrogates` when the orders or the null values would not fit the memory budget.
    pub fn per_unit_test(
        &self,
        x: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, i64>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<PerUnitTest> {
        check_same_rows("x", x.nrows(), "labels", labels.len())?;
        let orders = surrogate_orders(kind, x.nrows(), n_surrogates, seed)?;
        check_memory(
            "n_surrogates",
            &format!(
                "the null values of {} units on {n_surrogates} surrogates",
                x.ncols()
            ),
            bytes_of(x.ncols() as u128 * n_surrogates as u128, size_of::<f64>()),
            "use fewer surrogates, or test fewer units per call",
        )?;
        let mi = self.per_unit(x, labels)?;
        // nulls[j][s]: unit j on surrogate s.
        let mut nulls = vec![Vec::with_capacity(n_surrogates); mi.values.len()];
        for order in &orders {
            let null = self.per_unit(x, labels.select(Axis(0), order).view())?;
            for (unit, v) in nulls.iter_mut().zip(null.values) {
                unit.push(v);
            }
        }
        let summaries: Vec<(f64, f64, f64)> = nulls
            .iter()
            .zip(&mi.values)
            .map(|(null, &observed)| {
                let (mean, std) = mean_std(null);
                (p_value(null, observed), mean, std)
            })
            .collect();
        let p_values: Vec<f64> = summaries.iter().map(|s| s.0).collect();
        let null_mean = summaries.iter().map(|s| s.1).collect();
        let null_std = summaries.iter().map(|s| s.2).collect();
        Ok(PerUnitTest {
            q_values: benjamini_hochberg(&p_values)?,
            mi,
            surrogate: kind,
            n_surrogates,
            p_values,
            null_mean,
            null_std,
        })
    }
}
