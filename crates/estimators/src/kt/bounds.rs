//! The Kolchinsky–Tracey bounds: H(T), I(X;T) and I(T;Y) from the pairwise-distance kernel,
//! and the σ² sweep.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::hyperparams::{KolchinskyTracey, KtParams};
use super::kernel;
use crate::discrete::symbols::{SymbolIds, ids_of_column};
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::{Bounds, Estimate, Quantity};
use crate::validate::{check_matrix, check_same_rows};

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "kt";

impl KolchinskyTracey {
    /// Bounds on the differential entropy H(T) of `T = h + ε` (rows of `h` are samples).
    ///
    /// # Errors
    /// Invalid `h` (empty, NaN/Inf) or `weights` (see [`KolchinskyTracey::mi_input_bounds`]).
    pub fn entropy_bounds(
        &self,
        h: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Bounds<Estimate>> {
        let (_, [l_kl, l_bd]) = self.checked_log_means(h, weights)?;
        let noise = self.noise_entropy(h.ncols());
        Ok(self.bounds(Quantity::Entropy, noise - l_bd, noise - l_kl, h.dim()))
    }

    /// Bounds on I(X;T) for `T = h(X) + ε`: lower `−L(4σ²)`, upper `−L(σ²)`.
    ///
    /// # Errors
    /// [`EstimatorError::Empty`] or [`EstimatorError::NonFinite`] for `h`; for `weights`,
    /// [`EstimatorError::ShapeMismatch`] (one per row) or
    /// [`EstimatorError::InvalidParameter`] (negative, non-finite, or all zero).
    pub fn mi_input_bounds(
        &self,
        h: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Bounds<Estimate>> {
        let (_, [l_kl, l_bd]) = self.checked_log_means(h, weights)?;
        Ok(self.bounds(Quantity::InputInformation, -l_bd, -l_kl, h.dim()))
    }

    /// Estimates of I(T;Y) for discrete labels `y`, one per row of `h`.
    ///
    /// # Errors
    /// As [`KolchinskyTracey::mi_input_bounds`], and [`EstimatorError::ShapeMismatch`] unless
    /// `y` has one label per row.
    pub fn mi_label_bounds(
        &self,
        h: ArrayView2<'_, f64>,
        y: ArrayView1<'_, i64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Bounds<Estimate>> {
        let (c, groups) = self.checked_labels(h, y, weights)?;
        let [lower, upper] = self.label_values(h, &c, std::slice::from_ref(&groups.ids))[0];
        Ok(self.label_bounds(lower, upper, groups.n_symbols, h.dim()))
    }

    /// Validate `h`, `y` and the weights; the normalised weights and the labels as dense ids.
    pub(crate) fn checked_labels(
        &self,
        h: ArrayView2<'_, f64>,
        y: ArrayView1<'_, i64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<(Vec<f64>, SymbolIds)> {
        check_same_rows("h", h.nrows(), "y", y.len())?;
        check_matrix("h", h, 1)?;
        let groupings = LABELINGS_PER_PASS;
        kernel::check_kernel_memory("tile", h.dim(), self.params.tile, 2, groupings)?;
        let c = normalised_weights(weights, h.nrows())?;
        Ok((c, ids_of_column(y.iter().copied())))
    }

    /// `[lower, upper]` of I(T;Y) for each labeling of the rows (dense ids): with
    /// $G_y(v) = \sum_i c_i \ln \sum_{j: y_j = y_i} c_j K_v(i, j)$ and
    /// $p_y = \sum_{i: y_i = y} c_i$, the class-weighted term is
    /// $\sum_y p_y L_y(v) = G_y(v) - \sum_y p_y \ln p_y$, and the bound is that minus $L(v)$.
    /// Labelings are evaluated [`LABELINGS_PER_PASS`] at a time, each pass one sweep over the
    /// pairwise distances; a labeling's value does not depend on its batch.
    pub(crate) fn label_values(
        &self,
        h: ArrayView2<'_, f64>,
        c: &[f64],
        labelings: &[Vec<u32>],
    ) -> Vec<[f64; 2]> {
        let v = self.params.noise_var;
        let vs = [v, 4.0 * v];
        let [l_kl, l_bd] = self.log_means(h, c);
        let mut out = Vec::with_capacity(labelings.len());
        for batch in labelings.chunks(LABELINGS_PER_PASS) {
            let refs: Vec<&[u32]> = batch.iter().map(Vec::as_slice).collect();
            let sums = kernel::grouped_log_kernel_sums(h, c, &vs, self.params.tile, &refs);
            for (labels, g) in batch.iter().zip(sums) {
                let mass = class_entropy(labels, c);
                out.push([g[1] + mass - l_bd, g[0] + mass - l_kl]);
            }
        }
        out
    }

    /// The two I(T;Y) estimates as [`Bounds<Estimate>`], with the diagnostics and the caveat.
    fn label_bounds(
        &self,
        lower: f64,
        upper: f64,
        classes: usize,
        dim: (usize, usize),
    ) -> Bounds<Estimate> {
        let mut b = self.bounds(Quantity::MutualInformation, lower, upper, dim);
        b.upper = b.upper.with_diagnostic("classes", classes).with_warning(
            "the KL estimate of I(T;Y) is a difference of two upper bounds, not itself a \
             guaranteed upper bound (Kolchinsky & Tracey; ibsgd calls it \"upper\")",
        );
        b.lower = b.lower.with_diagnostic("classes", classes);
        b
    }

    /// Validate `h` and the weights; the normalised weights and `[L(σ²), L(4σ²)]`.
    fn checked_log_means(
        &self,
        h: ArrayView2<'_, f64>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<(Vec<f64>, [f64; 2])> {
        check_matrix("h", h, 1)?;
        kernel::check_kernel_memory("tile", h.dim(), self.params.tile, 2, 1)?;
        let c = normalised_weights(weights, h.nrows())?;
        let l = self.log_means(h, &c);
        Ok((c, l))
    }

    /// `[L(σ²), L(4σ²)]`.
    fn log_means(&self, h: ArrayView2<'_, f64>, c: &[f64]) -> [f64; 2] {
        let v = self.params.noise_var;
        let l = kernel::log_kernel_means(h, c, &[v, 4.0 * v], self.params.tile);
        [l[0], l[1]]
    }

    /// H(T|X) = (d/2) ln(2πeσ²).
    fn noise_entropy(&self, d: usize) -> f64 {
        0.5 * d as f64
            * (2.0 * std::f64::consts::PI * std::f64::consts::E * self.params.noise_var).ln()
    }

    fn bounds(
        &self,
        q: Quantity,
        lower: f64,
        upper: f64,
        (n, d): (usize, usize),
    ) -> Bounds<Estimate> {
        let config = serde_json::to_value(self.params).unwrap_or_default();
        let make = |value: f64, bound: &str| {
            Estimate::new(value, q, METHOD, n, config.clone())
                .with_diagnostic("bound", bound)
                .with_diagnostic("noise_var", self.params.noise_var)
                .with_diagnostic("dims", d)
                .with_diagnostic("noise_entropy", self.noise_entropy(d))
        };
        Bounds {
            lower: make(lower, "lower"),
            upper: make(upper, "upper"),
        }
    }
}

/// I(X;T) bounds at one noise variance of a [`noise_sweep`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The noise variance σ².
    pub noise_var: f64,
    /// The Bhattacharyya (lower) bound on I(X;T), nats.
    pub lower: f64,
    /// The KL (upper) bound on I(X;T), nats.
    pub upper: f64,
}

/// I(X;T) bounds for `T = h + N(0, σ²I)` at every σ² of `noise_vars`, from one pass over the
/// pairwise distances (each distance is computed once for all variances).
///
/// # Errors
/// [`EstimatorError::InvalidParameter`] named `noise_var` for a variance that is not finite and
/// positive (or an empty list), or named `tile` for 0; invalid `h` as in
/// [`KolchinskyTracey::mi_input_bounds`].
pub fn noise_sweep(
    h: ArrayView2<'_, f64>,
    noise_vars: &[f64],
    tile: usize,
) -> Result<Vec<SweepPoint>> {
    ensure_param!(
        !noise_vars.is_empty(),
        "noise_var",
        "the list of noise variances is empty"
    );
    for &v in noise_vars {
        KolchinskyTracey::with_params(KtParams { noise_var: v, tile })?;
    }
    check_matrix("h", h, 1)?;
    kernel::check_kernel_memory("noise_vars", h.dim(), tile, 2 * noise_vars.len(), 1)?;
    let c = normalised_weights(None, h.nrows())?;
    let vs: Vec<f64> = noise_vars.iter().flat_map(|&v| [v, 4.0 * v]).collect();
    let l = kernel::log_kernel_means(h, &c, &vs, tile);
    Ok(noise_vars
        .iter()
        .zip(l.chunks_exact(2))
        .map(|(&noise_var, pair)| SweepPoint {
            noise_var,
            lower: -pair[1],
            upper: -pair[0],
        })
        .collect())
}

/// Labelings of I(T;Y) evaluated per sweep over the pairwise distances (surrogates come in
/// batches of this size; memory per row tile grows with it).
const LABELINGS_PER_PASS: usize = 32;

/// $-\sum_y p_y \ln p_y$ with $p_y = \sum_{i: y_i = y} c_i$ (classes of zero weight add 0).
fn class_entropy(labels: &[u32], c: &[f64]) -> f64 {
    let classes = labels.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut p = vec![0.0; classes];
    for (&l, &ci) in labels.iter().zip(c) {
        p[l as usize] += ci;
    }
    -p.iter()
        .filter(|&&q| q > 0.0)
        .map(|q| q * q.ln())
        .sum::<f64>()
}

/// Weights normalised to sum 1 (uniform when absent).
pub(crate) fn normalised_weights(
    weights: Option<ArrayView1<'_, f64>>,
    n: usize,
) -> Result<Vec<f64>> {
    let Some(w) = weights else {
        return Ok(vec![1.0 / n as f64; n]);
    };
    if w.len() != n {
        return Err(EstimatorError::ShapeMismatch {
            argument: "weights",
            other: "h",
            what: "rows",
            expected: n,
            got: w.len(),
        });
    }
    if let Some((i, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite() || **v < 0.0)
    {
        return Err(EstimatorError::InvalidParameter {
            name: "weights",
            reason: format!("weights[{i}] = {v}: weights must be finite and ≥ 0"),
        });
    }
    let total: f64 = w.sum();
    ensure_param!(
        total.is_finite() && total > 0.0,
        "weights",
        "the weights must have a finite, positive sum, got {total}"
    );
    Ok(w.iter().map(|v| v / total).collect())
}
