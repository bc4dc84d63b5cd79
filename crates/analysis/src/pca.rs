//! Principal components: the linear reduction applied before the KSG and Gaussian estimates of
//! high-dimensional layers.

use faer::Mat;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
use faer::{Par, diag::Diag};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use infoscope_estimators::budget::check_memory;

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
    /// With fewer samples than features the components come from the samples' Gram matrix
    /// (`m × m`, the same nonzero eigenvalues as the `n × n` covariance; each component is
    /// `Xᵀu / ‖Xᵀu‖` for an eigenvector `u`), so thousands of units cost no `n × n` matrix.
    /// The eigendecomposition runs on one thread, so the basis does not depend on the thread
    /// count.
    ///
    /// # Errors
    /// [`AnalysisError::Recording`] for fewer than two rows or no column or a failed
    /// eigendecomposition; [`AnalysisError::Estimator`] (`TooLarge`) when the matrices would
    /// exceed the memory budget.
    pub fn fit(data: ArrayView2<'_, f64>, max_dims: usize) -> Result<Self> {
        let (m, n) = data.dim();
        if m < 2 || n == 0 {
            return Err(AnalysisError::Recording(format!(
                "PCA needs at least 2 samples and 1 feature, got {m} × {n}"
            )));
        }
        let gram = m < n;
        let side = m.min(n) as u128;
        check_memory(
            "hidden",
            "the PCA matrices (centred data, covariance or Gram matrix, eigenvectors)",
            8 * (m as u128 * n as u128 + 3 * side * side),
            "record fewer trials or steps, or fewer units",
        )?;
        let mean = data.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(n));
        let centred = &data - &mean.view().insert_axis(Axis(0));
        let scatter = if gram {
            centred.dot(&centred.t())
        } else {
            centred.t().dot(&centred)
        } / (m - 1) as f64;
        let (values, vectors) = symmetric_eigen(&scatter)?;
        let k = values.len();
        let total: f64 = values.iter().sum();
        let positive = values.iter().filter(|&&v| v > total * 1e-12).count();
        let dims = max_dims.min(n).min(positive).max(1);
        let mut components = Array2::zeros((n, dims));
        let mut kept = 0.0;
        for d in 0..dims {
            // Eigenvalues come in ascending order.
            let col = k - 1 - d;
            kept += values[col];
            let u = vectors.column(col);
            let mut v = u.to_owned();
            if gram {
                v = centred.t().dot(&u);
                let norm = v.dot(&v).sqrt();
                if values[col] > 0.0 && norm > 0.0 {
                    v /= norm;
                } else {
                    // Constant data: any unit vector projects it to 0.
                    v = Array1::zeros(n);
                    v[0] = 1.0;
                }
            }
            let (mut big, mut sign) = (0.0_f64, 1.0);
            for &x in &v {
                if x.abs() > big {
                    big = x.abs();
                    sign = x.signum();
                }
            }
            v *= sign;
            components.column_mut(d).assign(&v);
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

/// Eigenvalues (ascending, clipped at 0) and eigenvectors (as columns) of a symmetric matrix.
fn symmetric_eigen(a: &Array2<f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let n = a.nrows();
    let mat = Mat::from_fn(n, n, |i, j| a[[i, j]]);
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
        mat.as_ref(),
        s.as_mut(),
        Some(u.as_mut()),
        par,
        MemStack::new(&mut buf),
        Default::default(),
    )
    .map_err(|e| AnalysisError::Recording(format!("PCA eigendecomposition failed: {e:?}")))?;
    let values = (0..n).map(|i| s[i].max(0.0)).collect();
    Ok((values, Array2::from_shape_fn((n, n), |(i, j)| u[(i, j)])))
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

    /// Oracle: with fewer samples than features the Gram route gives the covariance route's
    /// components and explained variance (the covariance route computed here on the same
    /// data by the eigendecomposition of the full `n × n` covariance).
    #[test]
    fn gram_route_matches_the_covariance_route() -> Result<()> {
        let (m, n) = (7, 12);
        let data = Array2::from_shape_fn((m, n), |(i, j)| {
            ((i * 31 + j * 17) % 13) as f64 * 0.3 + (i as f64 * 0.7 + j as f64).sin()
        });
        let pca = Pca::fit(data.view(), 4)?;
        assert_eq!(pca.dims(), 4);
        let mean = data.mean_axis(Axis(0)).ok_or(AnalysisError::Stopped)?;
        let centred = &data - &mean.view().insert_axis(Axis(0));
        let cov = centred.t().dot(&centred) / (m - 1) as f64;
        let (values, vectors) = symmetric_eigen(&cov)?;
        let total: f64 = values.iter().sum();
        let kept: f64 = values[n - 4..].iter().sum();
        assert!((pca.explained_variance - kept / total).abs() < 1e-12);
        for d in 0..4 {
            let v = vectors.column(n - 1 - d);
            let c = pca.components.column(d);
            let dot = v.dot(&c);
            assert!(
                (dot.abs() - 1.0).abs() < 1e-9,
                "component {d}: |cos| = {dot}"
            );
        }
        Ok(())
    }
}
