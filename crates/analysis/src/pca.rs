//! Principal components: the linear reduction applied before the KSG and Gaussian estimates of
//! high-dimensional layers.

use faer::Mat;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
use faer::{Par, diag::Diag};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::error::{AnalysisError, Result};

/// A fitted PCA basis.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    /// Column means of the fitting data.
    pub mean: Array1<f64>,
    /// The kept components as columns (`d_in × dims`), by decreasing variance; each column's
    /// largest-magnitude entry is positive, so the basis is unique for distinct eigenvalues.
    pub components: Array2<f64>,
    /// Fraction of the total variance the kept components explain (1 for constant data).
    pub explained_variance: f64,
}

impl Pca {
    /// Fit on the rows of `data` (samples × features), keeping at most `max_dims` components
    /// (and at most as many as there are features and positive-variance directions, but at
    /// least one).
    ///
    /// The eigendecomposition runs on one thread, so the basis does not depend on the thread
    /// count.
    ///
    /// # Errors
    /// [`AnalysisError::Recording`] for fewer than two rows or a failed eigendecomposition.
    pub fn fit(data: ArrayView2<'_, f64>, max_dims: usize) -> Result<Self> {
        let (m, n) = data.dim();
        if m < 2 || n == 0 {
            return Err(AnalysisError::Recording(format!(
                "PCA needs at least 2 samples and 1 feature, got {m} × {n}"
            )));
        }
        let mean = data.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(n));
        let centred = &data - &mean.view().insert_axis(Axis(0));
        let cov = centred.t().dot(&centred) / (m - 1) as f64;
        let a = Mat::from_fn(n, n, |i, j| cov[[i, j]]);
        let mut s = Diag::<f64>::zeros(n);
        let mut u = Mat::<f64>::zeros(n, n);
        let par = Par::Seq;
        let mut buf = MemBuffer::new(self_adjoint_evd_scratch::<f64>(
            n,
            ComputeEigenvectors::Yes,
            par,
            Default::default(),
        ));
        self_adjoint_evd(
            a.as_ref(),
            s.as_mut(),
            Some(u.as_mut()),
            par,
            MemStack::new(&mut buf),
            Default::default(),
        )
        .map_err(|e| AnalysisError::Recording(format!("PCA eigendecomposition failed: {e:?}")))?;
        // Eigenvalues come in ascending order.
        let values: Vec<f64> = (0..n).map(|i| s[i].max(0.0)).collect();
        let total: f64 = values.iter().sum();
        let positive = values.iter().filter(|&&v| v > total * 1e-12).count();
        let dims = max_dims.min(n).min(positive).max(1);
        let mut components = Array2::zeros((n, dims));
        let mut kept = 0.0;
        for k in 0..dims {
            let col = n - 1 - k;
            kept += values[col];
            let mut v: Vec<f64> = (0..n).map(|i| u[(i, col)]).collect();
            let (mut big, mut sign) = (0.0_f64, 1.0);
            for &x in &v {
                if x.abs() > big {
                    big = x.abs();
                    sign = x.signum();
                }
            }
            v.iter_mut().for_each(|x| *x *= sign);
            components.column_mut(k).assign(&Array1::from(v));
        }
        let explained_variance = if total > 0.0 { kept / total } else { 1.0 };
        Ok(Self {
            mean,
            components,
            explained_variance,
        })
    }

    /// Number of kept components.
    #[must_use]
    pub fn dims(&self) -> usize {
        self.components.ncols()
    }

    /// Project the rows of `x` (samples × features) onto the components.
    #[must_use]
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        (&x - &self.mean.view().insert_axis(Axis(0))).dot(&self.components)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn recovers_the_axis_of_largest_variance() -> Result<()> {
        // Points spread along (1, 1)/√2 with a little spread across it.
        let data = array![
            [-2.0, -2.1],
            [-1.0, -0.9],
            [0.0, 0.1],
            [1.0, 0.9],
            [2.0, 2.0]
        ];
        let pca = Pca::fit(data.view(), 1)?;
        let c = pca.components.column(0);
        let r = std::f64::consts::FRAC_1_SQRT_2;
        assert!((c[0] - r).abs() < 0.02 && (c[1] - r).abs() < 0.02, "{c}");
        assert!(pca.explained_variance > 0.99);
        let z = pca.transform(data.view());
        assert_eq!(z.dim(), (5, 1));
        assert!(
            (z.sum()).abs() < 1e-12,
            "projections of centred data sum to 0"
        );
        Ok(())
    }

    #[test]
    fn keeps_only_positive_variance_directions() -> Result<()> {
        let data = array![[1.0, 0.0, 3.0], [2.0, 0.0, 3.0], [3.0, 0.0, 3.0]];
        let pca = Pca::fit(data.view(), 10)?;
        assert_eq!(pca.dims(), 1);
        assert!((pca.explained_variance - 1.0).abs() < 1e-12);
        assert!(Pca::fit(array![[1.0, 2.0]].view(), 2).is_err());
        Ok(())
    }
}
