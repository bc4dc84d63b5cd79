//! Cholesky log-determinants of the consecutive blocks of a covariance matrix.
//!
//! Everything here is crate-private; the public entry points live in `algorithm.rs`.

use faer::{Mat, MatRef, Side};

use crate::error::{EstimatorError, Result};

/// The hint attached to every failed Cholesky factorisation.
pub(crate) const NOT_PD_HINT: &str =
    "the columns are linearly dependent or n <= d; set `ridge` > 0";

/// A named group of consecutive columns of a joint covariance matrix (`"x"`, `"y"`, `"z"`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block {
    /// The argument the columns come from.
    pub(crate) name: &'static str,
    /// Number of columns.
    pub(crate) dim: usize,
    /// The leading matrix that ends with this block, for error messages
    /// (e.g. "joint covariance of x and y").
    pub(crate) what: &'static str,
}

/// Add `ridge` to every diagonal entry.
pub(crate) fn add_ridge(m: &mut Mat<f64>, ridge: f64) {
    if ridge != 0.0 {
        for i in 0..m.nrows().min(m.ncols()) {
            m[(i, i)] += ridge;
        }
    }
}

/// The principal submatrix `m[idx, idx]` (rows and columns in the order of `idx`).
pub(crate) fn principal_submatrix(m: MatRef<'_, f64>, idx: &[usize]) -> Mat<f64> {
    Mat::from_fn(idx.len(), idx.len(), |i, j| m[(idx[i], idx[j])])
}

/// Largest relative Cholesky pivot $L_{kk}^2 / A_{kk}$ treated as zero, for a `d × d` matrix.
///
/// The ratio is $1 - R^2$ of regressing column k on the columns before it; rounding in the
/// Schur complement is of order $d\,\varepsilon$, so smaller ratios cannot be told from exact
/// linear dependence.
fn pivot_tolerance(d: usize) -> f64 {
    16.0 * (d.max(1) as f64) * f64::EPSILON
}

/// Conditional log-determinants of the consecutive blocks of the symmetric matrix `cov`.
///
/// `blocks` partitions the columns of `cov` in order. Entry `i` of the result is
/// $\ln\lvert\Sigma_{i \mid <i}\rvert$, the log-determinant of the Schur complement of block `i`
/// given the blocks before it, so that the prefix sums are the log-determinants of the leading
/// blocks: one Cholesky factorisation $\Sigma = L L^\top$ gives them all as sums of
/// $2 \ln L_{kk}$ over each block's columns.
///
/// `max_rank` (the number of samples minus one, for a sample covariance without ridge) turns a
/// matrix wider than its rank into an error without relying on rounding.
///
/// # Errors
///
/// [`EstimatorError::NotPositiveDefinite`] naming the block whose column has a non-positive
/// (or, relative to its diagonal entry, negligible) pivot, with that block's `what` as detail.
pub(crate) fn block_logdets(
    cov: MatRef<'_, f64>,
    blocks: &[Block],
    max_rank: Option<usize>,
) -> Result<Vec<f64>> {
    let d = cov.nrows();
    if let Some(rank) = max_rank.filter(|&r| r < d) {
        return Err(rank_deficient(blocks, rank));
    }
    let failed =
        |pivot: usize, ratio: f64| not_positive_definite(blocks, pivot, cov[(pivot, pivot)], ratio);
    let llt = cov.llt(Side::Lower).map_err(|e| match e {
        faer::linalg::solvers::LltError::NonPositivePivot { index } => failed(index, 0.0),
    })?;
    let l = llt.L();
    let tol = pivot_tolerance(d);
    let mut out = Vec::with_capacity(blocks.len());
    let mut k = 0;
    for block in blocks {
        let mut acc = 0.0;
        for _ in 0..block.dim {
            let lkk = l[(k, k)];
            let ratio = lkk * lkk / cov[(k, k)];
            if ratio.is_nan() || ratio <= tol {
                return Err(failed(k, ratio));
            }
            acc += 2.0 * lkk.ln();
            k += 1;
        }
        out.push(acc);
    }
    Ok(out)
}

/// The block holding joint column `pivot`, and the column's index inside it.
fn locate(blocks: &[Block], pivot: usize) -> (Block, usize) {
    let mut start = 0;
    for block in blocks {
        if pivot < start + block.dim {
            return (*block, pivot - start);
        }
        start += block.dim;
    }
    let last = blocks.last().copied().unwrap_or(Block {
        name: "cov",
        dim: 0,
        what: "covariance",
    });
    (last, pivot.saturating_sub(start))
}

/// The error for a sample covariance with more columns than its rank `rank` = n − 1.
fn rank_deficient(blocks: &[Block], rank: usize) -> EstimatorError {
    let (block, column) = locate(blocks, rank);
    let d: usize = blocks.iter().map(|b| b.dim).sum();
    EstimatorError::NotPositiveDefinite {
        argument: block.name,
        detail: format!(
            "{}: {} samples give a covariance of rank at most n - 1 = {rank} < d = {d}, \
             so column {column} of `{}` is a linear combination of the preceding columns",
            block.what,
            rank + 1,
            block.name
        ),
        hint: NOT_PD_HINT,
    }
}

/// The error for a failed pivot at joint column `pivot` whose diagonal entry is `diag`.
fn not_positive_definite(blocks: &[Block], pivot: usize, diag: f64, ratio: f64) -> EstimatorError {
    let (block, column) = locate(blocks, pivot);
    let detail = if diag > 0.0 {
        format!(
            "{}: column {column} of `{}` is a linear combination of the preceding columns \
             (relative pivot {ratio:.3e})",
            block.what, block.name
        )
    } else {
        format!(
            "{}: column {column} of `{}` has non-positive variance {diag}",
            block.what, block.name
        )
    };
    EstimatorError::NotPositiveDefinite {
        argument: block.name,
        detail,
        hint: NOT_PD_HINT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_logdets_sum_to_leading_block_determinants() {
        let cov = faer::mat![[4.0, 2.0, 1.0], [2.0, 3.0, 0.5], [1.0, 0.5, 2.0]];
        let blocks = [
            Block {
                name: "x",
                dim: 1,
                what: "covariance of x",
            },
            Block {
                name: "y",
                dim: 2,
                what: "joint covariance of x and y",
            },
        ];
        let ld = block_logdets(cov.as_ref(), &blocks, None).unwrap();
        // |Σ_x| = 4; |Σ| = 4(6 − 0.25) − 2(4 − 0.5) + 1(1 − 3) = 23 − 7 − 2 = 14.
        assert!((ld[0] - 4f64.ln()).abs() < 1e-14);
        assert!((ld[0] + ld[1] - 14f64.ln()).abs() < 1e-14);
        let err = block_logdets(cov.as_ref(), &blocks, Some(2)).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NotPositiveDefinite { argument: "y", .. }
        ));
    }

    #[test]
    fn dependent_column_is_named() {
        let cov = faer::mat![[1.0, 1.0], [1.0, 1.0]];
        let blocks = [
            Block {
                name: "x",
                dim: 1,
                what: "covariance of x",
            },
            Block {
                name: "y",
                dim: 1,
                what: "joint covariance of x and y",
            },
        ];
        let err = block_logdets(cov.as_ref(), &blocks, None).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NotPositiveDefinite { argument: "y", .. }
        ));
        assert!(err.to_string().contains("joint covariance of x and y"));
    }
}
