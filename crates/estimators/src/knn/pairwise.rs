//! Batch KSG: the MI of every column of one matrix against every column of another
//! ([`Ksg::cross`]), or of every pair of columns of one matrix ([`Ksg::all_pairs`]), e.g.
//! each neuron against the stimulus, or neuron × neuron.
//!
//! Brief overview: the columns are prepared (z-scored / jittered, if asked) once, and each
//! column's sorted 1-D marginal is built once and shared by every pair it takes part in; only
//! the 2-D joint search is per pair. Pairs run in parallel; each pair's value is computed
//! exactly as [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate) on the
//! two columns would compute it, so the matrix does not depend on the thread count.

use ndarray::{Array2, ArrayView2, s};
use rayon::prelude::*;
use serde::Serialize;

use super::ksg::Ksg;
use super::reorder::Marginal;
use super::{NeighborIndex, SearchMethod};
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

impl Ksg {
    /// I(A_i; B_j) for every column `i` of `a` (n × p) and every column `j` of `b` (n × q),
    /// as a p × q matrix.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate), with the
    /// arguments named `a` and `b`.
    pub fn cross(&self, a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Result<PairwiseMi> {
        check_matrix("a", a, 2)?;
        check_matrix("b", b, 2)?;
        check_same_rows("a", a.nrows(), "b", b.nrows())?;
        let params = self.config();
        super::check_k_window(params.k, a.nrows(), params.theiler)?;
        let prepared = self.prepare_all(&[a, b]);
        let (pa, pb) = (prepared[0].view(), prepared[1].view());
        let ia = column_indices(pa, params.search)?;
        let ib = column_indices(pb, params.search)?;
        let pairs: Vec<(usize, usize)> = (0..pa.ncols())
            .flat_map(|i| (0..pb.ncols()).map(move |j| (i, j)))
            .collect();
        let results = self.run_pairs(&pairs, pa, pb, &ia, &ib)?;
        let mut out = self.empty(pa.ncols(), pb.ncols(), pa.nrows(), 0.0);
        for (i, j, v, z) in results {
            out.values[[i, j]] = v;
            out.zero_distance_fraction[[i, j]] = z;
        }
        Ok(out)
    }

    /// I(A_i; A_j) for every pair of columns of `a` (n × p), as a symmetric p × p matrix with a
    /// NaN diagonal. Each of the p(p − 1)/2 pairs is estimated once.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`](crate::traits::MutualInformation::estimate), with the
    /// argument named `a`.
    pub fn all_pairs(&self, a: ArrayView2<'_, f64>) -> Result<PairwiseMi> {
        check_matrix("a", a, 2)?;
        let params = self.config();
        super::check_k_window(params.k, a.nrows(), params.theiler)?;
        let prepared = self.prepare_all(&[a]);
        let pa = prepared[0].view();
        let ia = column_indices(pa, params.search)?;
        let p = pa.ncols();
        let pairs: Vec<(usize, usize)> = (0..p)
            .flat_map(|i| (i + 1..p).map(move |j| (i, j)))
            .collect();
        let results = self.run_pairs(&pairs, pa, pa, &ia, &ia)?;
        let mut out = self.empty(p, p, pa.nrows(), f64::NAN);
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

    fn run_pairs(
        &self,
        pairs: &[(usize, usize)],
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        ia: &[NeighborIndex],
        ib: &[NeighborIndex],
    ) -> Result<Vec<PairResult>> {
        let psi = super::ksg::psi_table(a.nrows());
        pairs
            .par_iter()
            .map(|&(i, j)| {
                let x = a.slice(s![.., i..=i]);
                let y = b.slice(s![.., j..=j]);
                let locals = self.mi_core(x, y, &ia[i], Marginal::Direct(&ib[j]), &psi)?;
                let n = locals.values.len() as f64;
                Ok((i, j, locals.mean(), locals.zeros as f64 / n))
            })
            .collect()
    }
}

/// One neighbour index per column (its sorted marginal, with the automatic backend).
fn column_indices(a: ArrayView2<'_, f64>, search: SearchMethod) -> Result<Vec<NeighborIndex>> {
    (0..a.ncols())
        .into_par_iter()
        .map(|c| NeighborIndex::new(a.slice(s![.., c..=c]), search))
        .collect()
}
