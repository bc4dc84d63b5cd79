//! The Gaussian estimators on a given covariance matrix instead of samples.

use ndarray::ArrayView2;

use super::algorithm::{Source, ZERO_VARIANCE_HINT};
use super::hyperparams::Gaussian;
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::Estimate;
use crate::validate::check_finite;

/// Relative tolerance of the symmetry check: $|c_{ij} - c_{ji}| \le 10^{-10} \max|c|$.
const SYMMETRY_RTOL: f64 = 1e-10;

impl Gaussian {
    /// $I(X;Y)$ in nats for jointly Gaussian variables with covariance `cov`, where X is made of
    /// the variables (rows/columns of `cov`) listed in `x` and Y of those listed in `y`.
    ///
    /// $I(X;Y) = \tfrac12 \ln\frac{|\Sigma_X||\Sigma_Y|}{|\Sigma_{XY}|}$ with $\Sigma_X$ =
    /// `cov[x, x]` etc., each plus the ridge. The estimate has `n_samples = 0` (no samples were
    /// seen) and the diagnostic `from_covariance: true`.
    ///
    /// ```
    /// use infoscope_estimators::gaussian::Gaussian;
    /// use ndarray::array;
    ///
    /// let cov = array![[5.0, 3.0], [3.0, 4.0]];
    /// let mi = Gaussian::default().mi_from_covariance(cov.view(), &[0], &[1])?;
    /// // ½ ln(σx² σy² / |Σ|) = ½ ln(20 / 11)
    /// assert!((mi.nats() - 0.5 * (20.0f64 / 11.0).ln()).abs() < 1e-14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `Empty`, `ShapeMismatch` (not square), `NonFinite`, `NotPositiveDefinite` (not
    /// symmetric, or a selected block is singular), `InvalidParameter` (an index list is empty,
    /// repeats an index or overlaps another list), `OutOfRange` (an index ≥ the matrix size),
    /// `ZeroVariance` (a selected variance is exactly 0, without ridge).
    pub fn mi_from_covariance(
        &self,
        cov: ArrayView2<'_, f64>,
        x: &[usize],
        y: &[usize],
    ) -> Result<Estimate> {
        self.check_covariance(cov, &[("x", x), ("y", y)])?;
        let idx: Vec<usize> = x.iter().chain(y).copied().collect();
        let sub = select(cov, &idx);
        self.mi_core(sub, x.len(), y.len(), Source::Covariance)
    }

    /// $I(X;Y\mid Z)$ in nats for jointly Gaussian variables with covariance `cov`; `x`, `y`
    /// and `z` list the variables (rows/columns of `cov`) of each group.
    ///
    /// $I(X;Y\mid Z) = \tfrac12 \ln\frac{|\Sigma_{XZ}||\Sigma_{YZ}|}{|\Sigma_Z||\Sigma_{XYZ}|}$.
    /// The estimate has `n_samples = 0` and the diagnostic `from_covariance: true`.
    ///
    /// # Errors
    ///
    /// As [`Gaussian::mi_from_covariance`].
    pub fn cmi_from_covariance(
        &self,
        cov: ArrayView2<'_, f64>,
        x: &[usize],
        y: &[usize],
        z: &[usize],
    ) -> Result<Estimate> {
        self.check_covariance(cov, &[("x", x), ("y", y), ("z", z)])?;
        let idx: Vec<usize> = z.iter().chain(x).chain(y).copied().collect();
        let sub = select(cov, &idx);
        self.cmi_core(sub, [x.len(), y.len(), z.len()], Source::Covariance)
    }

    /// Differential entropy $h = \tfrac12 \ln\left((2\pi e)^d |\Sigma_I|\right)$ in nats of the
    /// Gaussian variables listed in `idx`, with $\Sigma_I$ = `cov[idx, idx]` plus the ridge.
    /// The estimate has `n_samples = 0` and the diagnostic `from_covariance: true`.
    ///
    /// # Errors
    ///
    /// As [`Gaussian::mi_from_covariance`]; the index list is named `"idx"`.
    pub fn entropy_from_covariance(
        &self,
        cov: ArrayView2<'_, f64>,
        idx: &[usize],
    ) -> Result<Estimate> {
        self.check_covariance(cov, &[("idx", idx)])?;
        let sub = select(cov, idx);
        self.entropy_core(sub, Source::Covariance)
    }

    /// Validate a covariance matrix and the index lists into it.
    fn check_covariance(
        &self,
        cov: ArrayView2<'_, f64>,
        lists: &[(&'static str, &[usize])],
    ) -> Result<()> {
        let (rows, cols) = cov.dim();
        if rows == 0 || cols == 0 {
            return Err(EstimatorError::Empty {
                argument: "cov",
                rows,
                cols,
            });
        }
        if rows != cols {
            return Err(EstimatorError::ShapeMismatch {
                argument: "cov",
                other: "cov",
                what: "columns (a covariance matrix is square)",
                expected: rows,
                got: cols,
            });
        }
        check_finite("cov", cov)?;
        check_symmetric(cov)?;
        check_index_lists(rows, lists)?;
        if self.ridge() == 0.0 {
            for &(_, list) in lists {
                if let Some(&column) = list.iter().find(|&&i| cov[[i, i]] == 0.0) {
                    return Err(EstimatorError::ZeroVariance {
                        argument: "cov",
                        column,
                        hint: ZERO_VARIANCE_HINT,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The principal submatrix `cov[idx, idx]`, copied into a faer matrix (indices checked).
fn select(cov: ArrayView2<'_, f64>, idx: &[usize]) -> faer::Mat<f64> {
    faer::Mat::from_fn(idx.len(), idx.len(), |i, j| cov[[idx[i], idx[j]]])
}

/// Fail unless `cov` equals its transpose to a relative tolerance of 1e-10 of its largest entry.
fn check_symmetric(cov: ArrayView2<'_, f64>) -> Result<()> {
    let scale = cov.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tol = SYMMETRY_RTOL * scale;
    for i in 0..cov.nrows() {
        for j in 0..i {
            let (a, b) = (cov[[i, j]], cov[[j, i]]);
            if (a - b).abs() > tol {
                return Err(EstimatorError::NotPositiveDefinite {
                    argument: "cov",
                    detail: format!("not symmetric: cov[{i}, {j}] = {a} but cov[{j}, {i}] = {b}"),
                    hint: "a covariance matrix equals its transpose; symmetrise it as (C + Cᵀ) / 2",
                });
            }
        }
    }
    Ok(())
}

/// Each list non-empty, in range, without repeats, and disjoint from the lists before it.
fn check_index_lists(size: usize, lists: &[(&'static str, &[usize])]) -> Result<()> {
    let mut owner: Vec<Option<&'static str>> = vec![None; size];
    for &(name, list) in lists {
        ensure_param!(
            !list.is_empty(),
            name,
            "the index list is empty; name at least one variable"
        );
        for &i in list {
            if i >= size {
                return Err(EstimatorError::OutOfRange {
                    argument: name,
                    detail: format!(
                        "index {i} is out of range for a {size}×{size} covariance matrix"
                    ),
                });
            }
            if let Some(other) = owner[i] {
                let reason = if other == name {
                    format!("index {i} appears twice; each variable may be listed once")
                } else {
                    format!("index {i} is also in `{other}`; the index lists must be disjoint")
                };
                return Err(EstimatorError::InvalidParameter { name, reason });
            }
            owner[i] = Some(name);
        }
    }
    Ok(())
}
