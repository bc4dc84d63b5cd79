//! Batch KSG: the MI of every column of one matrix against every column of another
//! ([`Ksg::cross`]), or of every pair of columns of one matrix ([`Ksg::all_pairs`]), e.g.
//! each neuron against the stimulus, or neuron × neuron.
//!
//! Brief overview: entry (i, j) is exactly what
//! [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate) returns for
//! column i as X and column j as Y, bit for bit, whatever the settings: each column is
//! prepared (z-scored, jittered) as a one-column variable is prepared in an estimate, in the
//! role it plays (X takes the first draws of the noise stream, Y the next ones), and the pair
//! goes through the estimate's own computation. Each prepared column's sorted 1-D marginal is
//! built once and shared by every pair it takes part in; only the 2-D joint search is per pair.
//! Pairs run in parallel, so the matrix does not depend on the thread count.

use ndarray::{Array2, ArrayView2, s};
use rayon::prelude::*;
use serde::Serialize;

use super::NeighborIndex;
use super::hyperparams::Ksg;
use super::prepare::{Noise, check_scale, skip_noise, stream};
use super::reorder::Marginal;
use crate::budget::{bytes_of, check_memory};
use crate::error::Result;
use crate::estimate::Unit;
use crate::validate::{check_matrix, check_same_rows};

/// The KSG mutual information of many column pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairwiseMi {
    /// `values[[i, j]]`: I(column i; column j) in nats. For [`Ksg::all_pairs`] the matrix is
    /// symmetric and the diagonal is NaN (the MI of a continuous variable with itself is
    /// infinite).
    pub values: Array2<f64>,
    /// `zero_distance_fraction[[i, j]]`: the fraction of samples of that pair whose k-th
    /// neighbour distance is zero (handled by the Gao et al. rule; see [`Ksg`]).
    pub zero_distance_fraction: Array2<f64>,
    /// Number of samples.
    pub n_samples: usize,
    /// The estimator's configuration.
    pub config: serde_json::Value,
}

impl PairwiseMi {
    /// The values converted to `unit`.
    #[must_use]
    pub fn values_in(&self, unit: Unit) -> Array2<f64> {
        self.values.mapv(|v| unit.from_nats(v))
    }
}

/// One pair's result: (row, column, MI in nats, zero-distance fraction).
type PairResult = (usize, usize, f64, f64);

/// Columns as searched in one role, with their neighbour indices.
struct Prepared {
    columns: Vec<Array2<f64>>,
    indices: Vec<NeighborIndex>,
}

/// Refuse, before any allocation, a pairwise run whose buffers would not fit the memory
/// budget: the prepared columns and their neighbour indices (`columns` of `n` rows), the list
/// of `pairs` and their results, and the two `p × q` output matrices.
fn check_pairwise_memory(
    argument: &'static str,
    n: usize,
    columns: u128,
    p: usize,
    q: usize,
    pairs: u128,
) -> Result<()> {
    // Per prepared column and row: the value, the index's sorted copy and its row ids.
    let prepared = columns * n as u128 * 3 * 8;
    // Per pair: its (i, j) and its (i, j, value, zero fraction) result.
    let per_pair = (2 * size_of::<usize>() + size_of::<PairResult>()) as u128;
    let bytes = prepared + pairs * per_pair + bytes_of(2 * p as u128 * q as u128, 8);
    check_memory(
        argument,
        &format!("the KSG estimates of {pairs} column pairs ({p} × {q} matrices)"),
        bytes,
        "select fewer columns (units), or run `pairwise(a, b)` on blocks of columns",
    )
}

impl Ksg {
    /// I(A_i; B_j) for every column `i` of `a` (n × p) and every column `j` of `b` (n × q),
    /// as a p × q matrix; entry (i, j) equals the estimate of column i of `a` as X and column
    /// j of `b` as Y.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate), with the
    /// arguments named `a` and `b`.
    pub fn cross(&self, a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Result<PairwiseMi> {
        check_matrix("a", a, 2)?;
        check_matrix("b", b, 2)?;
        check_same_rows("a", a.nrows(), "b", b.nrows())?;
        let argument = if b.ncols() > a.ncols() { "b" } else { "a" };
        let pairs = a.ncols() as u128 * b.ncols() as u128;
        let columns = (a.ncols() + b.ncols()) as u128;
        check_pairwise_memory(argument, a.nrows(), columns, a.ncols(), b.ncols(), pairs)?;
        let params = self.config();
        super::check_k_window(params.k, a.nrows(), params.theiler)?;
        check_scale(params.normalize, params.noise, &[("a", a), ("b", b)])?;
        let (pa, pb) = (self.prepared(a, 0)?, self.prepared(b, 1)?);
        let pairs: Vec<(usize, usize)> = (0..a.ncols())
            .flat_map(|i| (0..b.ncols()).map(move |j| (i, j)))
            .collect();
        let results = self.run_pairs(&pairs, &pa, &pb)?;
        let mut out = self.empty(a.ncols(), b.ncols(), a.nrows(), 0.0);
        for (i, j, v, z) in results {
            out.values[[i, j]] = v;
            out.zero_distance_fraction[[i, j]] = z;
        }
        Ok(out)
    }

    /// I(A_i; A_j) for every pair of columns of `a` (n × p), as a symmetric p × p matrix with a
    /// NaN diagonal. Each of the p(p − 1)/2 pairs is estimated once, as the estimate of column
    /// i as X and column j as Y for i < j, and mirrored.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate), with the
    /// argument named `a`.
    pub fn all_pairs(&self, a: ArrayView2<'_, f64>) -> Result<PairwiseMi> {
        check_matrix("a", a, 2)?;
        let p = a.ncols() as u128;
        let pairs = p * p.saturating_sub(1) / 2;
        check_pairwise_memory("a", a.nrows(), 2 * p, a.ncols(), a.ncols(), pairs)?;
        let params = self.config();
        super::check_k_window(params.k, a.nrows(), params.theiler)?;
        check_scale(params.normalize, params.noise, &[("a", a)])?;
        let as_x = self.prepared(a, 0)?;
        // Without noise a column is searched the same way in either role (tie jitter is keyed
        // by the column's values, not its role).
        let as_y = match params.noise {
            Noise::None => None,
            Noise::Gaussian { .. } => Some(self.prepared(a, 1)?),
        };
        let p = a.ncols();
        let pairs: Vec<(usize, usize)> = (0..p)
            .flat_map(|i| (i + 1..p).map(move |j| (i, j)))
            .collect();
        let results = self.run_pairs(&pairs, &as_x, as_y.as_ref().unwrap_or(&as_x))?;
        let mut out = self.empty(p, p, a.nrows(), f64::NAN);
        for (i, j, v, z) in results {
            out.values[[i, j]] = v;
            out.values[[j, i]] = v;
            out.zero_distance_fraction[[i, j]] = z;
            out.zero_distance_fraction[[j, i]] = z;
        }
        Ok(out)
    }

    fn empty(&self, p: usize, q: usize, n: usize, fill: f64) -> PairwiseMi {
        PairwiseMi {
            values: Array2::from_elem((p, q), fill),
            zero_distance_fraction: Array2::from_elem((p, q), fill),
            n_samples: n,
            config: serde_json::to_value(self.config()).unwrap_or_default(),
        }
    }

    /// Every column of `a` prepared as a one-column variable in position `slot` of an
    /// estimate (0: X, 1: Y), with its neighbour index.
    fn prepared(&self, a: ArrayView2<'_, f64>, slot: usize) -> Result<Prepared> {
        let params = self.config();
        let n = a.nrows();
        let columns: Vec<Array2<f64>> = (0..a.ncols())
            .into_par_iter()
            .map(|c| {
                let mut rng = stream(params.seed);
                skip_noise(&mut rng, params.noise, slot * n);
                let column = a.slice(s![.., c..=c]);
                self.prepare_one(column, &mut rng).0.into_owned()
            })
            .collect();
        let indices = columns
            .par_iter()
            .map(|c| NeighborIndex::new(c.view(), params.search))
            .collect::<Result<_>>()?;
        Ok(Prepared { columns, indices })
    }

    fn run_pairs(
        &self,
        pairs: &[(usize, usize)],
        a: &Prepared,
        b: &Prepared,
    ) -> Result<Vec<PairResult>> {
        let n = a.columns.first().map_or(0, Array2::nrows);
        let psi = super::ksg::psi_table(n);
        pairs
            .par_iter()
            .map(|&(i, j)| {
                let (x, y) = (a.columns[i].view(), b.columns[j].view());
                let locals =
                    self.mi_core(x, y, &a.indices[i], Marginal::Direct(&b.indices[j]), &psi)?;
                let n = locals.values.len() as f64;
                Ok((i, j, locals.mean(), locals.zeros as f64 / n))
            })
            .collect()
    }
}
