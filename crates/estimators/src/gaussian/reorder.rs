//! Gaussian MI on reorderings of Y (surrogates): the covariance blocks of X and of Y do not
//! change when Y's rows are reordered, so each surrogate only forms the cross block
//! $\hat\Sigma_{XY'} = X_c^\top Y_c' / (n-1)$ (one `dx × dy` GEMM instead of the
//! `(dx + dy)²` joint one).

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use ndarray::ArrayView2;

use super::algorithm::{Source, sample_covariance};
use super::hyperparams::Gaussian;
use crate::error::Result;
use crate::traits::ReorderedMi;
use crate::validate::check_same_rows;

/// The joint covariance of (X, Y) and the centred data, kept for surrogate estimates.
pub(crate) struct ReorderedCovariance<'a> {
    gaussian: &'a Gaussian,
    /// Joint covariance of the original pairing; its diagonal blocks are reused.
    cov: Mat<f64>,
    /// Centred X, `n × dx`.
    xc: Mat<f64>,
    /// Centred Y, `n × dy`.
    yc: Mat<f64>,
}

/// `a` minus its column means, as a faer matrix.
fn centred(a: ArrayView2<'_, f64>) -> Mat<f64> {
    let n = a.nrows() as f64;
    let means: Vec<f64> = a.columns().into_iter().map(|c| c.sum() / n).collect();
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]] - means[j])
}

impl<'a> ReorderedCovariance<'a> {
    /// Validated `x` and `y` (the caller has run the estimator on them).
    pub(crate) fn new(
        gaussian: &'a Gaussian,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<Self> {
        Ok(Self {
            gaussian,
            cov: sample_covariance(&[("x", x), ("y", y)])?,
            xc: centred(x),
            yc: centred(y),
        })
    }
}

impl ReorderedMi for ReorderedCovariance<'_> {
    fn mi_reordered(&self, order: &[usize]) -> Result<f64> {
        let (n, dx, dy) = (self.xc.nrows(), self.xc.ncols(), self.yc.ncols());
        check_same_rows("y", n, "order", order.len())?;
        let yp = Mat::from_fn(n, dy, |i, j| self.yc[(order[i], j)]);
        let mut cross = Mat::<f64>::zeros(dx, dy);
        matmul(
            cross.as_mut(),
            Accum::Replace,
            self.xc.transpose(),
            yp.as_ref(),
            1.0 / (n as f64 - 1.0),
            Par::Seq,
        );
        let mut cov = self.cov.clone();
        for j in 0..dy {
            for i in 0..dx {
                cov[(i, dx + j)] = cross[(i, j)];
                cov[(dx + j, i)] = cross[(i, j)];
            }
        }
        Ok(self
            .gaussian
            .mi_core(cov, dx, dy, Source::Samples(n))?
            .nats())
    }
}
