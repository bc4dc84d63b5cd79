//! The estimators on samples: [`MutualInformation`], [`ConditionalMutualInformation`] and
//! [`Entropy`] for [`Gaussian`], and the shared log-determinant core that the
//! `*_from_covariance` methods reuse.

use std::f64::consts::{E, PI};

use faer::Mat;
use ndarray::ArrayView2;

use super::covariance::joint_covariance;
use super::hyperparams::Gaussian;
use super::logdet::{Block, add_ridge, block_logdets, principal_submatrix};
use super::reorder::ReorderedCovariance;
use crate::budget::{bytes_of, check_memory};
use crate::error::{EstimatorError, Result};
use crate::estimate::{Estimate, Quantity};
use crate::traits::{ConditionalMutualInformation, Entropy, MutualInformation, ReorderedMi};
use crate::validate::{check_matrix, check_no_constant_column, check_same_rows};

/// The method name recorded in every [`Estimate`].
pub(crate) const METHOD: &str = "gaussian";

/// The hint of [`EstimatorError::ZeroVariance`](crate::EstimatorError::ZeroVariance).
pub(crate) const ZERO_VARIANCE_HINT: &str = "add `ridge` > 0 or drop the column";

/// Refuse, before any allocation, a joint covariance of the arguments' columns side by side
/// that would not fit the memory budget: the `d × d` matrix, a partial sum and the copies
/// the factorisation makes (four `d × d` matrices in all). The argument named is the widest.
pub(crate) fn check_covariance_memory(args: &[(&'static str, ArrayView2<'_, f64>)]) -> Result<()> {
    let d: u128 = args.iter().map(|(_, v)| v.ncols() as u128).sum();
    let widest = args
        .iter()
        .max_by_key(|(_, v)| v.ncols())
        .map_or("x", |(name, _)| *name);
    check_memory(
        widest,
        &format!("the {d} × {d} covariance matrix of the Gaussian estimator (and its factors)"),
        bytes_of(4 * d * d, size_of::<f64>()),
        "reduce the dimensions first (e.g. PCA to fewer components than samples), or use an \
         estimator that does not form a covariance matrix (binned per unit, Kolchinsky–Tracey)",
    )
}

/// The joint sample covariance of the arguments side by side, refused with
/// [`EstimatorError::OutOfRange`] (naming the argument) when the values overflow: a variance
/// or covariance that is not finite although every value is.
pub(crate) fn sample_covariance(args: &[(&'static str, ArrayView2<'_, f64>)]) -> Result<Mat<f64>> {
    let views: Vec<ArrayView2<'_, f64>> = args.iter().map(|(_, v)| *v).collect();
    let cov = joint_covariance(&views);
    let d = cov.nrows();
    let Some(column) = (0..d).find(|&j| (0..d).any(|i| !cov[(i, j)].is_finite())) else {
        return Ok(cov);
    };
    let mut local = column;
    for &(name, view) in args {
        if local < view.ncols() {
            let largest = view
                .column(local)
                .iter()
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            return Err(EstimatorError::OutOfRange {
                argument: name,
                detail: format!(
                    "the values overflow: the covariance of column {local} (largest magnitude \
                     {largest:e}) is not finite in double precision; scale the data (e.g. \
                     standardise each column) before estimating"
                ),
            });
        }
        local -= view.ncols();
    }
    Ok(cov)
}

/// Where a covariance came from: samples (with their count) or a user-supplied matrix.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source {
    /// A sample covariance of this many rows.
    Samples(usize),
    /// A covariance matrix given directly.
    Covariance,
}

impl Source {
    fn n_samples(self) -> usize {
        match self {
            Source::Samples(n) => n,
            Source::Covariance => 0,
        }
    }
}

impl Gaussian {
    /// Validate sample arguments: each non-empty, finite, with at least 2 rows, all with the
    /// same number of rows, and (without ridge) no constant column. Returns the row count.
    fn check_samples(&self, args: &[(&'static str, ArrayView2<'_, f64>)]) -> Result<usize> {
        let Some(&(first, first_view)) = args.first() else {
            return Ok(0);
        };
        for &(name, view) in args {
            check_matrix(name, view, 2)?;
            check_same_rows(first, first_view.nrows(), name, view.nrows())?;
        }
        check_covariance_memory(args)?;
        if self.ridge() == 0.0 {
            for &(name, view) in args {
                check_no_constant_column(name, view, ZERO_VARIANCE_HINT)?;
            }
        }
        Ok(first_view.nrows())
    }

    /// The rank bound handed to the factorisation: n − 1 for a sample covariance without ridge.
    fn max_rank(&self, source: Source) -> Option<usize> {
        match source {
            Source::Samples(n) if self.ridge() == 0.0 => Some(n - 1),
            _ => None,
        }
    }

    /// An estimate with the fields and diagnostics every Gaussian estimate shares.
    fn finish(&self, value: f64, quantity: Quantity, source: Source, dims: &[usize]) -> Estimate {
        let config = serde_json::to_value(&self.params).unwrap_or(serde_json::Value::Null);
        let mut est = Estimate::new(value, quantity, METHOD, source.n_samples(), config)
            .with_diagnostic("dims", dims)
            .with_diagnostic("ridge", self.ridge());
        match source {
            Source::Covariance => est = est.with_diagnostic("from_covariance", true),
            Source::Samples(n) => {
                let total: usize = dims.iter().sum();
                if n <= total {
                    est = est.with_warning(format!(
                        "fewer samples than dimensions (n = {n} <= d = {total}); the estimate is \
                         dominated by the ridge"
                    ));
                }
            }
        }
        est
    }

    /// I(X;Y) from the joint covariance of `[x, y]` (x in the first `dx` columns).
    ///
    /// $I = \tfrac12(\ln|\Sigma_Y| - \ln|\Sigma_{Y\mid X}|)$, where the second term is the
    /// y-block of the Cholesky factor of the joint matrix; equal to
    /// $\tfrac12(\ln|\Sigma_X| + \ln|\Sigma_Y| - \ln|\Sigma_{XY}|)$ with less cancellation.
    pub(crate) fn mi_core(
        &self,
        mut cov: Mat<f64>,
        dx: usize,
        dy: usize,
        source: Source,
    ) -> Result<Estimate> {
        add_ridge(&mut cov, self.ridge());
        let max_rank = self.max_rank(source);
        let y_only = [Block {
            name: "y",
            dim: dy,
            what: "covariance of y",
        }];
        let ld_y = block_logdets(cov.as_ref().submatrix(dx, dx, dy, dy), &y_only, max_rank)?[0];
        let joint = [
            Block {
                name: "x",
                dim: dx,
                what: "covariance of x",
            },
            Block {
                name: "y",
                dim: dy,
                what: "joint covariance of x and y",
            },
        ];
        let ld = block_logdets(cov.as_ref(), &joint, max_rank)?;
        let (ld_x, ld_y_given_x) = (ld[0], ld[1]);
        let value = 0.5 * (ld_y - ld_y_given_x);
        Ok(self
            .finish(value, Quantity::MutualInformation, source, &[dx, dy])
            .with_diagnostic("logdet_x", ld_x)
            .with_diagnostic("logdet_y", ld_y)
            .with_diagnostic("logdet_joint", ld_x + ld_y_given_x))
    }

    /// I(X;Y|Z) from the joint covariance of `[z, x, y]` (z first, then x, then y).
    ///
    /// $I = \tfrac12(\ln|\Sigma_{Y\mid Z}| - \ln|\Sigma_{Y\mid ZX}|)$, which equals
    /// $\tfrac12(\ln|\Sigma_{XZ}| + \ln|\Sigma_{YZ}| - \ln|\Sigma_Z| - \ln|\Sigma_{XYZ}|)$.
    pub(crate) fn cmi_core(
        &self,
        mut cov: Mat<f64>,
        [dx, dy, dz]: [usize; 3],
        source: Source,
    ) -> Result<Estimate> {
        add_ridge(&mut cov, self.ridge());
        let max_rank = self.max_rank(source);
        let joint = [
            Block {
                name: "z",
                dim: dz,
                what: "covariance of z",
            },
            Block {
                name: "x",
                dim: dx,
                what: "joint covariance of z and x",
            },
            Block {
                name: "y",
                dim: dy,
                what: "joint covariance of z, x and y",
            },
        ];
        let ld = block_logdets(cov.as_ref(), &joint, max_rank)?;
        let (ld_z, ld_x_given_z, ld_y_given_zx) = (ld[0], ld[1], ld[2]);
        // Σ_zy: z rows/columns then y rows/columns of the joint matrix.
        let zy: Vec<usize> = (0..dz).chain(dz + dx..dz + dx + dy).collect();
        let cov_zy = principal_submatrix(cov.as_ref(), &zy);
        let zy_blocks = [
            Block {
                name: "z",
                dim: dz,
                what: "covariance of z",
            },
            Block {
                name: "y",
                dim: dy,
                what: "joint covariance of z and y",
            },
        ];
        let ld_zy = block_logdets(cov_zy.as_ref(), &zy_blocks, max_rank)?;
        let ld_y_given_z = ld_zy[1];
        let value = 0.5 * (ld_y_given_z - ld_y_given_zx);
        Ok(self
            .finish(
                value,
                Quantity::ConditionalMutualInformation,
                source,
                &[dx, dy, dz],
            )
            .with_diagnostic("logdet_z", ld_z)
            .with_diagnostic("logdet_xz", ld_z + ld_x_given_z)
            .with_diagnostic("logdet_yz", ld_zy[0] + ld_y_given_z)
            .with_diagnostic("logdet_joint", ld_z + ld_x_given_z + ld_y_given_zx))
    }

    /// Differential entropy $\tfrac12\ln\left((2\pi e)^d |\Sigma|\right)$ from a covariance.
    pub(crate) fn entropy_core(&self, mut cov: Mat<f64>, source: Source) -> Result<Estimate> {
        add_ridge(&mut cov, self.ridge());
        let d = cov.nrows();
        let blocks = [Block {
            name: "x",
            dim: d,
            what: "covariance of x",
        }];
        let ld = block_logdets(cov.as_ref(), &blocks, self.max_rank(source))?[0];
        let value = 0.5 * (d as f64 * (2.0 * PI * E).ln() + ld);
        Ok(self
            .finish(value, Quantity::Entropy, source, &[d])
            .with_diagnostic("logdet_x", ld))
    }
}

impl MutualInformation for Gaussian {
    /// $I(X;Y) = \tfrac12 \ln\frac{|\Sigma_X||\Sigma_Y|}{|\Sigma_{XY}|}$ in nats, from the sample
    /// covariance (denominator n − 1) of `x` (n × dx) and `y` (n × dy).
    ///
    /// # Errors
    ///
    /// `Empty`, `TooFewSamples` (needs at least 2), `NonFinite`, `ShapeMismatch` (rows differ),
    /// `ZeroVariance` (a constant column, without ridge), `NotPositiveDefinite` (linearly
    /// dependent columns or n ≤ dx + dy, without ridge).
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        let n = self.check_samples(&[("x", x), ("y", y)])?;
        let cov = sample_covariance(&[("x", x), ("y", y)])?;
        self.mi_core(cov, x.ncols(), y.ncols(), Source::Samples(n))
    }

    /// Keeps the covariance blocks of X and of Y; each reordering forms only the cross block.
    fn prepare_reordering<'a>(
        &'a self,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Box<dyn ReorderedMi + 'a>> {
        self.check_samples(&[("x", x), ("y", y)])?;
        Ok(Box::new(ReorderedCovariance::new(self, x, y)?))
    }
}

impl ConditionalMutualInformation for Gaussian {
    /// $I(X;Y\mid Z) = \tfrac12 \ln\frac{|\Sigma_{XZ}||\Sigma_{YZ}|}{|\Sigma_Z||\Sigma_{XYZ}|}$ in
    /// nats, from the sample covariance (denominator n − 1) of `x`, `y` and `z`.
    ///
    /// A variable repeated between `y` and `z` (e.g. $I(X;Y\mid Y)$) makes the joint covariance
    /// singular: without ridge this is a `NotPositiveDefinite` error, with a ridge the estimate
    /// is finite and close to 0.
    ///
    /// # Errors
    ///
    /// As [`MutualInformation::estimate`], for each of `x`, `y` and `z`.
    fn estimate_conditional(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Estimate> {
        let n = self.check_samples(&[("x", x), ("y", y), ("z", z)])?;
        let cov = sample_covariance(&[("z", z), ("x", x), ("y", y)])?;
        self.cmi_core(cov, [x.ncols(), y.ncols(), z.ncols()], Source::Samples(n))
    }
}

impl Entropy for Gaussian {
    /// $h(X) = \tfrac12 \ln\left((2\pi e)^d |\Sigma_X|\right)$ in nats, from the sample covariance
    /// (denominator n − 1) of `x` (n × d). Unlike MI, this depends on the denominator: n − 1
    /// instead of n adds $\tfrac d2 \ln\frac{n}{n-1}$.
    ///
    /// # Errors
    ///
    /// As [`MutualInformation::estimate`], for `x`.
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate> {
        let n = self.check_samples(&[("x", x)])?;
        let cov = sample_covariance(&[("x", x)])?;
        self.entropy_core(cov, Source::Samples(n))
    }
}
